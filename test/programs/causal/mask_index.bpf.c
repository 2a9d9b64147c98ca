// Causal-path test program (issue 17's own example): an index masked with `& 7` into an array of 4 slots. The
// verifier proves the index is in [0, 7]; the value has room for 4 slots of 8 bytes, so the read can run past it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct slots { __u64 v[4]; };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct slots);
} cp_slots SEC(".maps");

SEC("xdp")
int mask_index(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct slots *s = bpf_map_lookup_elem(&cp_slots, &k);

	if (!s)
		return XDP_PASS;
	__u32 idx = ctx->rx_queue_index & 7;
	s->v[idx] += 1; /* BUG: idx can be 7, the array has 4 slots */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
