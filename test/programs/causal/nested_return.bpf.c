// Causal-path test program: the pointer that may be NULL comes back through two static subprograms (inner() to
// outer() to the program); both returns are steps, at their callers' lines.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} cp_nested SEC(".maps");

static __attribute__((noinline)) __u64 *inner(__u32 k)
{
	return bpf_map_lookup_elem(&cp_nested, &k);
}

static __attribute__((noinline)) __u64 *outer(__u32 k)
{
	__u64 *p = inner(k + 1);

	return p;
}

SEC("xdp")
int nested_return(struct xdp_md *ctx)
{
	__u64 *v = outer(ctx->rx_queue_index);

	*v += 1; /* BUG: v may be NULL */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
