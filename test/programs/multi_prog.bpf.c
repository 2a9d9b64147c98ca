// Test program: several programs in one object; a reject in an inlined header function, in a static subprogram
// shared by two programs, and in a global function. Each program marks its reject line with BUG(<program>).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "multi_prog_helpers.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

static __attribute__((noinline)) int shared_store(__u64 *slot, __u64 v)
{
	*slot = v; /* BUG(via_static): slot may be NULL */
	return 0;
}

__attribute__((noinline)) int global_peek(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;

	return data[1]; /* BUG(via_global): no bounds check */
}

SEC("xdp")
int from_header(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index;

	header_bump(bpf_map_lookup_elem(&slots, &key));
	return XDP_PASS;
}

SEC("xdp")
int via_static(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 *slot = bpf_map_lookup_elem(&slots, &key);

	if (ctx->ingress_ifindex > 3)
		return XDP_PASS;
	return shared_store(slot, ctx->ingress_ifindex) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int via_global(struct xdp_md *ctx)
{
	__u32 key = 2;
	__u64 *slot = bpf_map_lookup_elem(&slots, &key);

	if (slot)
		shared_store(slot, 7);
	return global_peek(ctx) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int all_good(struct xdp_md *ctx)
{
	__u32 key = 3;
	__u64 *slot = bpf_map_lookup_elem(&slots, &key);

	if (slot)
		shared_store(slot, header_bump(slot));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
