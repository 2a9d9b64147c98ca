// Rejected: a global function is verified on its own, and its pointer argument may be NULL there.
// expect: null-check "invalid mem access 'mem_or_null'"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stats);
} rj_totals SEC(".maps");

__attribute__((noinline)) int account(struct stats *s, __u32 len)
{
	s->packets += 1; /* expect-here */
	s->bytes += len;
	return 0;
}

SEC("xdp")
int global_arg(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct stats *s = bpf_map_lookup_elem(&rj_totals, &key);

	if (!s)
		return XDP_PASS;
	account(s, ctx->data_end - ctx->data);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
