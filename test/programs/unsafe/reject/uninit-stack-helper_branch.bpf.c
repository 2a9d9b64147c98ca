// Rejected for a loader without CAP_PERFMON: the value's second member is written on one branch only.
// expect: uninit-stack-helper "read from stack" capabilities=bpf
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counters {
	__u64 len;
	__u64 mark;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct counters);
} rj_last SEC(".maps");

SEC("socket")
int branch(struct __sk_buff *skb)
{
	__u32 key = skb->ifindex;
	struct counters c;

	c.len = skb->len;
	if (skb->mark)
		c.mark = skb->mark;
	bpf_map_update_elem(&rj_last, &key, &c, BPF_ANY); /* expect-here */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
