// cilium-examples style: parse to UDP, drop one port read from a global; bounds checked with data + off > data_end.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

volatile const __u16 blocked_port = 53;

static __always_inline int parse_udp_dport(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp;

	if (data + sizeof(*eth) + sizeof(*ip) > data_end)
		return -1;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_UDP)
		return -1;
	if (ip->ihl != 5)
		return -1;
	udp = (void *)ip + sizeof(*ip);
	if ((void *)udp + sizeof(*udp) > data_end)
		return -1;
	return bpf_ntohs(udp->dest);
}

SEC("xdp")
int xdp_drop_port(struct xdp_md *ctx)
{
	int port = parse_udp_dport((void *)(long)ctx->data, (void *)(long)ctx->data_end);

	if (port == blocked_port)
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
