// Rejected: the caller hands a possibly-NULL socket to a static function that reads it unchecked.
// expect: null-check "invalid mem access 'sock_or_null'"
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

static __attribute__((noinline)) __u32 sock_mark(struct bpf_sock *sk)
{
	return sk->mark;
}

SEC("tc")
int static_callee(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	__u32 mark;

	tuple.ipv4.dport = bpf_htons(80);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	mark = sock_mark(sk); /* expect-here */
	if (sk)
		bpf_sk_release(sk);
	return mark ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
