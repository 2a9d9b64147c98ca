// Socket filter (cilium/ebpf's examples style): keep only TCP, read with bpf_skb_load_bytes.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int socket_keep_tcp(struct __sk_buff *skb)
{
	__u8 proto;

	if (bpf_skb_load_bytes(skb, ETH_HLEN + __builtin_offsetof(struct iphdr, protocol), &proto, 1) < 0)
		return 0;
	return proto == IPPROTO_TCP ? skb->len : 0;
}

char LICENSE[] SEC("license") = "GPL";
