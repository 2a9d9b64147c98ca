// Rejected: the value returned by bpf_map_lookup_elem() may be NULL and is dereferenced unchecked.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} packet_count SEC(".maps");

SEC("xdp")
int null_deref(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	__u64 *count = bpf_map_lookup_elem(&packet_count, &key);

	*count += 1; /* BUG: count may be NULL */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
