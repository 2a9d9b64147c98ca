// Test program: the reject is on the second branch the verifier explores (level 2 prints `from X to Y:`).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int branch_reject(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index;
	__u64 *v = bpf_map_lookup_elem(&counts, &key);

	if (ctx->ingress_ifindex == 1) {
		if (!v)
			return XDP_PASS;
		*v += 1;
	} else {
		__sync_fetch_and_add(v, 2); /* BUG: v may be NULL on this branch */
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
