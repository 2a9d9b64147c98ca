// A global (non-static) function: verified on its own, so it checks its pointer argument for NULL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counter { __u64 n; };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct counter);
} counters SEC(".maps");

__noinline int bump(struct counter *c)
{
	if (c == NULL)
		return -1;
	__sync_fetch_and_add(&c->n, 1);
	return 0;
}

SEC("xdp")
int xdp_bump(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index & 3;

	bump(bpf_map_lookup_elem(&counters, &key));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
