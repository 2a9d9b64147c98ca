// An array-map lookup with a constant key inside the array cannot fail: 6.18's verifier knows it (the value is
// never NULL), 6.1's does not and refuses the dereference without a NULL check.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

SEC("xdp")
int count_array(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&counters, &key);
	*val += 1; /* REJECT before 6.18: val may be NULL */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
