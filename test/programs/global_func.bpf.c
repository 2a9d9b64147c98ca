// Test program: a global (non-static) function is verified on its own; its reject follows `Validating`.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__attribute__((noinline)) int read_first(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;

	return data[0]; /* BUG: no bounds check against data_end */
}

SEC("xdp")
int global_func(struct xdp_md *ctx)
{
	return read_first(ctx) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
