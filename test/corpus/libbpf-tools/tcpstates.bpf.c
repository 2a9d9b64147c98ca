// SPDX-License-Identifier: GPL-2.0
/* tcpstates: time spent in each TCP state, per socket. The shared key is filled member by member here. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <netkeys.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sk_key); // expect: c-map-key-padding warning
	__type(value, __u64);
} timestamps SEC(".maps");

struct inet_sock_set_state_ctx {
	__u64 __unused_common;
	__u64 skaddr;
	int oldstate;
	int newstate;
	__u64 cookie;
	__u32 netns;
};

SEC("tracepoint/sock/inet_sock_set_state")
int handle_set_state(struct inet_sock_set_state_ctx *ctx)
{
	__u64 ts = bpf_ktime_get_ns();
	struct sk_key key;

	key.netns = ctx->netns;
	key.cookie = ctx->cookie;
	bpf_map_update_elem(&timestamps, &key, &ts, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
