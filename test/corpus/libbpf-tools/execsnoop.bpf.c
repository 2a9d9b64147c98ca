// SPDX-License-Identifier: GPL-2.0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "execsnoop.h"
#include "compat.bpf.h"

const volatile bool ignore_failed = true;
const volatile __u32 targ_uid = (__u32)-1;
const volatile int max_args = DEFAULT_MAXARGS;

static const struct event empty_event = {};

/* the event is built across sys_enter and sys_exit, so it waits in a hash map keyed by pid */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} execs SEC(".maps");

struct sys_enter_execve_ctx {
	__u64 __unused_common;
	int __syscall_nr;
	__u32 __pad;
	const char *filename;
	const char *const *argv;
	const char *const *envp;
};

struct sys_exit_ctx {
	__u64 __unused_common;
	int __syscall_nr;
	__u32 __pad;
	long ret;
};

SEC("tracepoint/syscalls/sys_enter_execve")
int tracepoint__syscalls__sys_enter_execve(struct sys_enter_execve_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = id >> 32;
	__u32 uid = (__u32)bpf_get_current_uid_gid();
	struct event *event;
	int ret;

	if (targ_uid != (__u32)-1 && targ_uid != uid)
		return 0;

	if (bpf_map_update_elem(&execs, &pid, &empty_event, BPF_NOEXIST))
		return 0;

	event = bpf_map_lookup_elem(&execs, &pid);
	if (!event)
		return 0;

	event->pid = pid;
	event->uid = uid;
	event->args_count = 0;
	event->args_size = 0;

	ret = bpf_probe_read_user_str(event->args, ARGSIZE, ctx->filename);
	if (ret < 0)
		return 0;
	if (ret <= ARGSIZE)
		event->args_size += ret;
	event->args_count++;
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tracepoint__syscalls__sys_exit_execve(struct sys_exit_ctx *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct event *event, *out;
	__u64 len;

	event = bpf_map_lookup_elem(&execs, &pid);
	if (!event)
		return 0;
	if (ignore_failed && ctx->ret < 0)
		goto cleanup;

	event->retval = ctx->ret;
	bpf_get_current_comm(&event->comm, sizeof(event->comm));

	out = reserve_buf(sizeof(*out));
	if (!out)
		goto cleanup;
	len = sizeof(*out) - FULL_MAX_ARGS_ARR + event->args_size;
	if (len <= sizeof(*out))
		bpf_probe_read_kernel(out, len, event);
	submit_buf(ctx, out, sizeof(*out));
cleanup:
	bpf_map_delete_elem(&execs, &pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
