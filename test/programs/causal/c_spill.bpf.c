// Causal-path test program: a pointer that may be NULL goes through the stack (a volatile local is spilled and
// filled again) before it is dereferenced.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} cp_seen SEC(".maps");

SEC("xdp")
int c_spill(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	__u64 *volatile slot = bpf_map_lookup_elem(&cp_seen, &key);
	__u64 *v = slot;

	*v += 1; /* BUG: v may be NULL */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
