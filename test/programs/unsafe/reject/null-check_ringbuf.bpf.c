// Rejected: the ring buffer record is written before the reserve is checked for NULL.
// expect: null-check "invalid mem access 'ringbuf_mem_or_null'"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 ifindex;
	__u32 queue;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rj_events SEC(".maps");

SEC("xdp")
int ringbuf_unchecked(struct xdp_md *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&rj_events, sizeof(*e), 0);

	e->ifindex = ctx->ingress_ifindex; /* expect-here */
	e->queue = ctx->rx_queue_index;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
