// Rejected: the loop's bound is read from a map value and never clamped.
// expect: unbounded-loop "BPF program is too large|infinite loop detected|too complex"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct config {
	__u32 rounds;
	__u64 hits;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} rj_cfg SEC(".maps");

SEC("xdp")
int map_bound(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct config *c = bpf_map_lookup_elem(&rj_cfg, &key);
	__u32 n;

	if (!c)
		return XDP_PASS;
	n = c->rounds;
	for (__u32 i = 0; i < n; i++) /* expect-here */
		__sync_fetch_and_add(&c->hits, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
