// Test program (debug adapter): an accepted program first in the object, then two rejected ones. The session
// must list (and stop on) the rejects first, the first reject first. Each reject line is marked BUG(<program>).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

SEC("xdp")
int all_fine(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&hits, &key);

	if (v)
		*v += 1;
	return XDP_PASS;
}

SEC("xdp")
int first_reject(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&hits, &key);

	*v += 1; /* BUG(first_reject): v may be NULL */
	return XDP_PASS;
}

SEC("xdp")
int second_reject(struct xdp_md *ctx)
{
	__u32 key = 2;
	__u64 *v = bpf_map_lookup_elem(&hits, &key);

	*v += 2; /* BUG(second_reject): v may be NULL */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
