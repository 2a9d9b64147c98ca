// Test program: bpf_trace_printk() is GPL-only, and this program's license is not GPL-compatible.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int non_gpl(struct xdp_md *ctx)
{
	bpf_printk("ifindex %u", ctx->ingress_ifindex); /* BUG: GPL-only helper */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Proprietary";
