// Reject (helper-prog-type): bpf_skb_load_bytes is an skb helper; XDP programs read the packet through ctx->data.
// expect-verifier: program of this type cannot use helper bpf_skb_load_bytes#26
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_load_bytes(struct xdp_md *ctx)
{
	struct ethhdr eth;

	if (bpf_skb_load_bytes(ctx, 0, &eth, sizeof(eth)) < 0) /* BUG: not an XDP helper */
		return XDP_PASS;
	return eth.h_proto == 0 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
