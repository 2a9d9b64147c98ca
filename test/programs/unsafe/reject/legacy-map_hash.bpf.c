// Reject (legacy-map): libbpf 1.0+ refuses struct bpf_map_def SEC("maps").
// expect-verifier: legacy map definitions in 'maps' section are not supported by libbpf v1.0\+
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* libbpf < 1.0 declared this in bpf_helpers.h; code written for it still carries its own copy */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

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
