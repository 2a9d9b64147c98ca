// Rejected: the loop's bound is a helper's result with no clamp.
// expect: unbounded-loop "BPF program is too large|infinite loop detected|too complex"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rj_acc SEC(".maps");

SEC("xdp")
int helper_bound(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&rj_acc, &key);
	__u32 n = bpf_get_prandom_u32();

	if (!v)
		return XDP_PASS;
	for (__u32 i = 0; i < n; i++) /* expect-here */
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
