// A hash-map lookup can return NULL on every kernel: the dereference without a check is refused everywhere.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

SEC("xdp")
int count_hash(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&counters, &key);
	*val += 1; /* REJECT: val may be NULL */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
