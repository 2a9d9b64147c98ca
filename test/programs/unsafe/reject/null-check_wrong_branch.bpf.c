// Rejected: the NULL check sits in one branch only; the path around it dereferences the value unchecked.
// expect: null-check "invalid mem access 'map_value_or_null'"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} rj_bytes SEC(".maps");

SEC("xdp")
int wrong_branch(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	__u64 *v = bpf_map_lookup_elem(&rj_bytes, &key);
	__u64 len = ctx->data_end - ctx->data;

	if (len > 100) {
		if (!v)
			return XDP_PASS;
		*v += len;
		return XDP_PASS;
	}
	*v += 1; /* expect-here */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
