// SPDX-License-Identifier: GPL-2.0
/* oomkill: OOM kills. The record is built on the stack, member by member, and copied out with bpf_ringbuf_output. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "oomkill.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* an enum is 4 bytes: 4 of padding before cgroup. Zeroed with {0}, BCC's spelling of = {} */
struct kill_key { // expect: c-map-key-padding info
	enum oom_reason reason;
	__u64 cgroup;
};

/* the inner struct's 7 tail bytes and the outer's 7: padding inside a member is padding of the key too */
struct victim_inner {
	__u64 pages;
	__u8 kind;
};

struct victim_key { // expect: c-map-key-padding warning
	struct victim_inner v;
	__u8 node;
};

/* zeroed by the helper that fills it */
struct pid_key { // expect: c-map-key-padding info
	__u32 pid;
	__u64 start;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct kill_key);
	__type(value, __u64);
} kills SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct victim_key);
	__type(value, __u64);
} victims SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct pid_key);
	__type(value, __u64);
} victim_pids SEC(".maps");

struct oom_kill_ctx {
	__u64 __unused_common;
	__u32 fpid;
	__u32 tpid;
	__u64 pages;
	__u64 cgroup;
	__u64 start;
	__u32 global;
	__u32 node;
};

static __always_inline void make_pid_key(struct pid_key *out, __u32 pid, __u64 start)
{
	__builtin_memset(out, 0, sizeof(*out));
	out->pid = pid;
	out->start = start;
}

SEC("tracepoint/oom/mark_victim")
int oom_kill_process(struct oom_kill_ctx *ctx)
{
	struct kill_key kk = {0};
	struct victim_key vk;
	struct pid_key pk;
	struct data_t data;
	__u64 *cnt, one = 1;

	data.fpid = bpf_get_current_pid_tgid() >> 32;
	data.tpid = ctx->tpid;
	data.pages = ctx->pages;
	data.reason = ctx->global ? OOM_REASON_GLOBAL : OOM_REASON_MEMCG;
	bpf_get_current_comm(&data.fcomm, sizeof(data.fcomm));
	__builtin_memset(data.tcomm, 0, sizeof(data.tcomm));
	bpf_ringbuf_output(&events, &data, sizeof(data), 0); // expect: c-map-value-padding warning

	kk.reason = data.reason;
	kk.cgroup = ctx->cgroup;
	cnt = bpf_map_lookup_elem(&kills, &kk);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&kills, &kk, &one, BPF_NOEXIST);

	vk.v.pages = ctx->pages;
	vk.v.kind = 0;
	vk.node = ctx->node;
	bpf_map_update_elem(&victims, &vk, &one, BPF_ANY);

	make_pid_key(&pk, ctx->tpid, ctx->start);
	bpf_map_update_elem(&victim_pids, &pk, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
