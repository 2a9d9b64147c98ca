// Rejected: an array inside a map value indexed with a context field that nothing bounds.
// expect: variable-offset "unbounded memory access|outside of the allowed memory range|invalid access to map value"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct hist {
	__u64 slots[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hist);
} rj_hist SEC(".maps");

SEC("xdp")
int map_value_index(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct hist *h = bpf_map_lookup_elem(&rj_hist, &key);
	__u32 q = ctx->rx_queue_index;

	if (!h)
		return XDP_PASS;
	h->slots[q] += 1; /* expect-here */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
