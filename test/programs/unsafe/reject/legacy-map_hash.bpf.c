// Reject (legacy-map): libbpf 1.0+ refuses struct bpf_map_def SEC("maps").
// expect-verifier: legacy map definitions in 'maps' section are not supported by libbpf v1.0\+
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def SEC("maps") counts = { /* BUG: legacy map definition */
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
};

SEC("xdp")
int xdp_legacy(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	__u64 *n = bpf_map_lookup_elem(&counts, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
