// SPDX-License-Identifier: GPL-2.0
/* tcprtt: smoothed RTT per socket. The same shared key as tcpstates, zeroed here before it is filled. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <netkeys.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sk_key); // expect: c-map-key-padding info
	__type(value, __u64);
} rtts SEC(".maps");

struct tcp_rcv_ctx {
	__u64 __unused_common;
	__u64 cookie;
	__u32 netns;
	__u32 srtt_us;
};

SEC("tracepoint/tcp/tcp_rcv_space_adjust")
int handle_rcv(struct tcp_rcv_ctx *ctx)
{
	struct sk_key key = {};
	__u64 srtt = ctx->srtt_us >> 3;

	key.netns = ctx->netns;
	key.cookie = ctx->cookie;
	bpf_map_update_elem(&rtts, &key, &srtt, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
