// Rejected: a 288-byte record in the program and a 256-byte buffer in its noinline helper: 544 bytes combined.
// expect: stack-size "combined stack size of 2 calls"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct record {
	__u64 words[36];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct record);
} rj_records SEC(".maps");

static __attribute__((noinline)) int fill(struct record *r, __u32 seed)
{
	__u64 tmp[32];

	for (int i = 0; i < 32; i++)
		tmp[i] = seed ^ i;
	for (int i = 0; i < 32; i++)
		r->words[i] = tmp[(seed + i) % 32];
	return 0;
}

SEC("xdp")
int struct_buffers(struct xdp_md *ctx)
{
	struct record r = {}; /* expect-here */
	__u32 key = ctx->rx_queue_index;

	fill(&r, key);
	bpf_map_update_elem(&rj_records, &key, &r, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
