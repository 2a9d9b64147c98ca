// Rejected for a loader without CAP_PERFMON (and by kernels before 6.3): the key's padding is never written.
// expect: uninit-stack-helper "read from stack" capabilities=bpf
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow {
	__u8 proto;
	__u32 addr;
	__u16 port;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct flow);
	__type(value, __u64);
} rj_flows SEC(".maps");

SEC("socket")
int padding(struct __sk_buff *skb)
{
	struct flow f;
	__u64 one = 1;

	f.proto = skb->pkt_type;
	f.addr = skb->mark;
	f.port = skb->len;
	bpf_map_update_elem(&rj_flows, &f, &one, BPF_ANY); /* expect-here */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
