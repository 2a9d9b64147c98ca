// SPDX-License-Identifier: GPL-2.0
/* sigsnoop: signals sent, the event built on the stack and copied out with bpf_ringbuf_output. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <sigsnoop.h>

#define MAX_ENTRIES	10240

const volatile __u32 filtered_pid = 0;
const volatile int target_signal = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, struct event); // expect: c-map-value-padding info
} values SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct sys_enter_kill_ctx {
	__u64 __unused_common;
	int __syscall_nr;
	__u32 __pad;
	__u64 pid;
	__u64 sig;
};

struct sys_exit_ctx {
	__u64 __unused_common;
	int __syscall_nr;
	__u32 __pad;
	long ret;
};

SEC("tracepoint/syscalls/sys_enter_kill")
int kill_entry(struct sys_enter_kill_ctx *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event event;

	if (target_signal && ctx->sig != target_signal)
		return 0;

	/* zeroed before the members are set: the padding after sig is 0 for the map and for user space */
	__builtin_memset(&event, 0, sizeof(event));
	event.pid = bpf_get_current_pid_tgid() >> 32;
	event.tpid = ctx->pid;
	event.sig = ctx->sig;
	bpf_get_current_comm(event.comm, sizeof(event.comm));
	bpf_map_update_elem(&values, &tid, &event, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_kill")
int kill_exit(struct sys_exit_ctx *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *eventp;

	eventp = bpf_map_lookup_elem(&values, &tid);
	if (!eventp)
		return 0;
	if (filtered_pid && eventp->pid != filtered_pid)
		goto cleanup;

	eventp->ret = ctx->ret;
	bpf_ringbuf_output(&events, eventp, sizeof(*eventp), 0);
cleanup:
	bpf_map_delete_elem(&values, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
