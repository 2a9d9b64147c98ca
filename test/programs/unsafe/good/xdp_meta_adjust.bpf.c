// XDP metadata: bpf_xdp_adjust_meta, then data_meta bounded by data before the write.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct meta { __u32 mark; };

SEC("xdp")
int xdp_set_meta(struct xdp_md *ctx)
{
	struct meta *m;
	void *data;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > data)
		return XDP_PASS;
	m->mark = 0xcafe;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
