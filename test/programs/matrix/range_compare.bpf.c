// An index bounded only by a comparison with another non-constant register: since 6.7 (Andrii Nakryiko's
// "range vs range" bounds logic) the verifier learns i < n <= 7 from `if (i < n)`; 6.1's learns bounds only from
// comparisons with constants and refuses the access as unbounded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct slots { __u64 v[8]; };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct slots);
} table SEC(".maps");

SEC("xdp")
int range_compare(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct slots *s = bpf_map_lookup_elem(&table, &key);
	if (!s)
		return XDP_PASS;
	__u64 n = ctx->rx_queue_index & 7;
	__u64 i = ctx->ingress_ifindex;
	if (i < n)
		s->v[i] += 1; /* REJECT on 6.1: i unbounded */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
