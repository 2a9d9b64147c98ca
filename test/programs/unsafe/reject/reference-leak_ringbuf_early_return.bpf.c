// Rejected: an early return abandons the reserved ring buffer record without discarding it.
// expect: reference-leak "Unreleased reference"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 ifindex;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rj_events SEC(".maps");

SEC("xdp")
int early_return(struct xdp_md *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&rj_events, sizeof(*e), 0);

	if (!e)
		return XDP_PASS;
	e->ifindex = ctx->ingress_ifindex;
	e->len = ctx->data_end - ctx->data;
	if (e->len < 64)
		return XDP_DROP; /* expect-here */
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
