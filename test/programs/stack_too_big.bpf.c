// Test program: each frame fits in 512 bytes, the call chain does not (an error raised after the main pass).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) __u64 inner(__u32 idx)
{
	__u64 buf[40];

	for (int i = 0; i < 40; i++)
		buf[i] = i * idx;
	return buf[idx & 31];
}

SEC("xdp")
int stack_too_big(struct xdp_md *ctx)
{
	__u64 buf[40];
	__u32 idx = ctx->rx_queue_index;

	for (int i = 0; i < 40; i++)
		buf[i] = inner(idx + i);
	return buf[idx & 31] & 1;
}

char LICENSE[] SEC("license") = "GPL";
