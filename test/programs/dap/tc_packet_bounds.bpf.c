// Test program (debug adapter): a TC classifier that reads the Ethernet header without checking data_end. The
// advice for it must be a TC action (TC_ACT_OK), never XDP's.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("tc")
int tc_packet_bounds(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	struct ethhdr *eth = data;

	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) /* BUG: h_proto may lie past data_end */
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
