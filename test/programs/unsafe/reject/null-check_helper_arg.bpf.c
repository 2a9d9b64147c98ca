// Rejected: a map value that may be NULL is handed to bpf_map_update_elem() as the value to store.
// expect: null-check "type=map_value_or_null expected="
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} rj_current SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} rj_previous SEC(".maps");

SEC("xdp")
int helper_arg(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	__u64 *cur = bpf_map_lookup_elem(&rj_current, &key);

	bpf_map_update_elem(&rj_previous, &key, cur, BPF_ANY); /* expect-here */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
