// SPDX-License-Identifier: GPL-2.0
/* tcpconnlat: TCP connect latency. Built with -I. as libbpf-tools' Makefile passes -I$(OUTPUT), so the tool's own
 * header is included with angle brackets. Every struct on the stack is zeroed with = {} before it is filled. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <tcpconnlat.h>

#define AF_INET		2
#define AF_INET6	10

const volatile __u64 targ_min_us = 0;
const volatile __u32 targ_tgid = 0;

/* the socket pointer and the connecting thread: 4 bytes of padding after tid */
struct conn_key { // expect: c-map-key-padding info
	__u32 tid;
	__u64 sk;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct conn_key);
	__type(value, struct piddata); // expect: c-map-value-padding info
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct connect_ctx {
	__u64 sk;
	__u32 saddr;
	__u32 daddr;
	__u16 lport;
	__u16 dport;
	__u16 family;
};

static int trace_connect(struct connect_ctx *c)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct piddata piddata = {};
	struct conn_key key = {};

	if (targ_tgid && targ_tgid != tgid)
		return 0;

	bpf_get_current_comm(&piddata.comm, sizeof(piddata.comm));
	piddata.ts = bpf_ktime_get_ns();
	piddata.tgid = tgid;
	key.tid = (__u32)bpf_get_current_pid_tgid();
	key.sk = c->sk;
	bpf_map_update_elem(&start, &key, &piddata, 0);
	return 0;
}

static int handle_tcp_rcv_state_process(void *ctx, struct connect_ctx *c)
{
	struct piddata *piddatap;
	struct event event = {};
	struct conn_key key = {};
	struct conn_key del;
	__s64 delta;
	__u64 ts;

	key.tid = (__u32)bpf_get_current_pid_tgid();
	key.sk = c->sk;
	piddatap = bpf_map_lookup_elem(&start, &key);
	if (!piddatap)
		return 0;

	ts = bpf_ktime_get_ns();
	delta = (__s64)(ts - piddatap->ts);
	if (delta < 0)
		goto cleanup;

	event.delta_us = delta / 1000U;
	if (targ_min_us && event.delta_us < targ_min_us)
		goto cleanup;
	__builtin_memcpy(&event.comm, piddatap->comm, sizeof(event.comm));
	event.ts_us = ts / 1000;
	event.tgid = piddatap->tgid;
	event.lport = c->lport;
	event.dport = c->dport;
	event.af = c->family;
	if (event.af == AF_INET) {
		event.saddr_v4 = c->saddr;
		event.daddr_v4 = c->daddr;
	}
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &event, sizeof(event)); // expect: c-map-value-padding info

cleanup:
	/* a copy of a zeroed key: its padding is zero too */
	del = key;
	bpf_map_delete_elem(&start, &del);
	return 0;
}

SEC("kprobe/tcp_v4_connect")
int tcp_v4_connect(struct connect_ctx *ctx)
{
	return trace_connect(ctx);
}

SEC("kprobe/tcp_rcv_state_process")
int tcp_rcv_state_process(struct connect_ctx *ctx)
{
	return handle_tcp_rcv_state_process(ctx, ctx);
}

char LICENSE[] SEC("license") = "GPL";
