// TC egress: bpf_skb_load_bytes into a zeroed stack buffer (no data_end arithmetic), counted per protocol.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} by_proto SEC(".maps");

SEC("tc")
int tc_count_egress(struct __sk_buff *skb)
{
	struct iphdr ip = {};
	__u32 key;
	__u64 *count;

	if (skb->protocol != __constant_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr), &ip, sizeof(ip)) < 0)
		return TC_ACT_OK;
	key = ip.protocol;
	count = bpf_map_lookup_elem(&by_proto, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
