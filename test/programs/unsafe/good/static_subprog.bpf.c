// A static noinline subprogram that checks its pointer argument itself.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct stats { __u64 packets; __u64 bytes; };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, struct stats);
} if_stats SEC(".maps");

static __noinline int account(struct stats *s, __u64 len)
{
	if (!s)
		return 0;
	s->packets++;
	s->bytes += len;
	return 1;
}

SEC("xdp")
int xdp_account(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *s = bpf_map_lookup_elem(&if_stats, &key);
	__u64 len = ctx->data_end - ctx->data;

	if (!account(s, len)) {
		struct stats init = { .packets = 1, .bytes = len };

		bpf_map_update_elem(&if_stats, &key, &init, BPF_NOEXIST);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
