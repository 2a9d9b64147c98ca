// Rejected: three noinline frames of 192 bytes each: every one fits, together they pass the 512-byte stack.
// expect: stack-size "combined stack size of 3 calls"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) __u64 leaf(__u32 seed)
{
	__u64 scratch[24];

	for (int i = 0; i < 24; i++)
		scratch[i] = seed * i;
	return scratch[seed & 15];
}

static __attribute__((noinline)) __u64 middle(__u32 seed)
{
	__u64 scratch[24];

	for (int i = 0; i < 24; i++)
		scratch[i] = leaf(seed + i);
	return scratch[seed & 15];
}

SEC("xdp")
int three_frames(struct xdp_md *ctx)
{
	__u64 scratch[24]; /* expect-here */
	__u32 seed = ctx->rx_queue_index;

	for (int i = 0; i < 24; i++)
		scratch[i] = middle(seed + i);
	return scratch[seed & 15] & 1;
}

char LICENSE[] SEC("license") = "GPL";
