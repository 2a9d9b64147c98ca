// Rejected: reads the Ethernet header without checking it lies inside the packet.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int packet_bounds(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;

	/* missing: if ((void *)(eth + 1) > (void *)(long)ctx->data_end) return XDP_PASS; */
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) /* BUG: h_proto may lie past data_end */
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
