// Reject (gpl-helper): bpf_printk is bpf_trace_printk, GPL-only, and the file declares no license at all.
// expect-verifier: cannot call GPL-restricted function from non-GPL compatible program
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_trace(struct xdp_md *ctx)
{
	bpf_printk("queue %u", ctx->rx_queue_index); /* BUG: GPL-only helper, no license */
	return XDP_PASS;
}
