// Test program: a ringbuf reservation is not submitted on one path.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int unreleased_ref(struct xdp_md *ctx)
{
	__u32 *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return XDP_PASS;
	*e = ctx->ingress_ifindex;
	if (*e == 7)
		return XDP_DROP; /* leaks the reservation: the shared exit below is where the verifier stops */
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
} /* BUG: exit with the reservation still held (reached from the DROP path) */

char LICENSE[] SEC("license") = "GPL";
