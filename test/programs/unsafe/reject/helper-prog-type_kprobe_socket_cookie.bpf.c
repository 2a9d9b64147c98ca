// Reject (helper-prog-type): bpf_get_socket_cookie takes an skb or socket context; a kprobe has neither.
// expect-verifier: program of this type cannot use helper bpf_get_socket_cookie#46
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("kprobe/tcp_sendmsg")
int kprobe_cookie(void *ctx)
{
	__u64 cookie = bpf_get_socket_cookie(ctx); /* BUG: not a kprobe helper */

	bpf_printk("cookie %llu", cookie);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
