// Test program: accepted with CAP_PERFMON (root), rejected with CAP_BPF alone: the key passed to the helper has
// uninitialised padding, and only CAP_PERFMON lets the verifier accept reads of uninitialised stack.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct padded {
	__u8 tag;
	__u32 id;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct padded);
	__type(value, __u64);
} seen SEC(".maps");

SEC("socket")
int cap_dependent(struct __sk_buff *skb)
{
	struct padded k;

	k.tag = 1;
	k.id = skb->len;
	return bpf_map_lookup_elem(&seen, &k) ? 1 : 0; /* BUG: bytes 1-3 of k are uninitialised */
}

char LICENSE[] SEC("license") = "GPL";
