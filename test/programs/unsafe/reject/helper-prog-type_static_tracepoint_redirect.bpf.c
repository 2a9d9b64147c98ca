// Reject (helper-prog-type): bpf_redirect in a static function a tracepoint program calls.
// expect-verifier: program of this type cannot use helper bpf_redirect#23
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int forward(__u32 ifindex)
{
	return bpf_redirect(ifindex, 0); /* BUG: only packet programs redirect */
}

SEC("tracepoint/net/netif_receive_skb")
int tp_forward(void *ctx)
{
	forward(1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
