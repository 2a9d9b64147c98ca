// Causal-path test program: the pointer that may be NULL is returned by a static subprogram; the caller uses it
// without a check. The path must reach the caller's `v = find(...)` line, where the value comes back.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} cp_counts SEC(".maps");

static __attribute__((noinline)) __u64 *find(__u32 k)
{
	return bpf_map_lookup_elem(&cp_counts, &k);
}

SEC("xdp")
int subprog_return(struct xdp_md *ctx)
{
	__u64 *v = find(ctx->rx_queue_index);

	*v += 1; /* BUG: v may be NULL */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
