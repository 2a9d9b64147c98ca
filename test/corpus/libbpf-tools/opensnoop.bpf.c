// SPDX-License-Identifier: GPL-2.0
/* opensnoop: open() calls. The event lives in a one-entry per-CPU array: its memory starts zeroed at map creation
 * and only the members are ever written, so the padding after ret stays zero for every event sent. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <stdbool.h>
#include <opensnoop.h>

const volatile __u32 targ_tgid = 0;
const volatile bool targ_failed = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event); // expect: c-map-value-padding info
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct sys_enter_openat_ctx {
	__u64 __unused_common;
	int __syscall_nr;
	__u32 __pad;
	__u64 dfd;
	const char *filename;
	__u64 flags;
	__u64 mode;
};

struct sys_exit_ctx {
	__u64 __unused_common;
	int __syscall_nr;
	__u32 __pad;
	long ret;
};

SEC("tracepoint/syscalls/sys_enter_openat")
int tracepoint__syscalls__sys_enter_openat(struct sys_enter_openat_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__u32 zero = 0;
	struct event *e;

	if (targ_tgid && targ_tgid != (id >> 32))
		return 0;

	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return 0;
	e->pid = id >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->mode = ctx->mode;
	e->ts = bpf_ktime_get_ns();
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(&e->fname, sizeof(e->fname), ctx->filename);
	bpf_map_update_elem(&start, &tid, &e->ts, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int tracepoint__syscalls__sys_exit_openat(struct sys_exit_ctx *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 zero = 0;
	struct event *e;

	if (!bpf_map_lookup_elem(&start, &tid))
		return 0;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		goto cleanup;
	e->ret = ctx->ret;
	if (targ_failed && e->ret >= 0)
		goto cleanup;
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e, sizeof(*e));
cleanup:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
