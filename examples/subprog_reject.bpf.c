// Rejected inside a bpf-to-bpf subprogram: the caller passes a possibly-NULL map value on.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct stats);
} stats_map SEC(".maps");

static __attribute__((noinline)) int account(struct stats *s, __u64 len)
{
	s->packets += 1; /* BUG: s may be NULL, the caller never checked */
	s->bytes += len;
	return 0;
}

SEC("xdp")
int subprog_reject(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct stats *s = bpf_map_lookup_elem(&stats_map, &key);

	account(s, ctx->data_end - ctx->data);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
