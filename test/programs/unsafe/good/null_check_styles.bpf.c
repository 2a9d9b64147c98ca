// NULL checks as people write them: early return, goto, if-block, && short-circuit, ternary.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} vals SEC(".maps");

SEC("xdp")
int xdp_null_styles(struct xdp_md *ctx)
{
	__u32 k1 = 1, k2 = 2, k3 = 3, k4 = 4, k5 = 5;
	__u64 *a, *b, *c, *d, *e, sum = 0;

	a = bpf_map_lookup_elem(&vals, &k1);
	if (!a)
		return XDP_PASS;
	sum += *a;

	b = bpf_map_lookup_elem(&vals, &k2);
	if (b == NULL)
		goto out;
	sum += *b;

	c = bpf_map_lookup_elem(&vals, &k3);
	if (c) {
		sum += *c;
		*c = 0;
	}

	d = bpf_map_lookup_elem(&vals, &k4);
	if (d && *d > 10)
		sum += *d;

	e = bpf_map_lookup_elem(&vals, &k5);
	sum += e ? *e : 0;
out:
	return sum > 100 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
