// Rejected: a stack buffer indexed with a value read from a map, never bounds-checked.
// expect: variable-offset "unbounded variable-offset|variable stack access|min value is negative|invalid variable-offset"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} rj_slot SEC(".maps");

SEC("xdp")
int stack_index(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 *idx = bpf_map_lookup_elem(&rj_slot, &key);
	__u64 buf[16] = {};
	__u32 i;

	if (!idx)
		return XDP_PASS;
	i = *idx;
	buf[i] = ctx->ingress_ifindex; /* expect-here */
	bpf_map_update_elem(&rj_slot, &key, &buf[3], BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
