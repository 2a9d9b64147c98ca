// SPDX-License-Identifier: GPL-2.0
/* exitsnoop: trace process termination. The event is reserved through compat.bpf.h's reserve_buf() and filled
 * field by field, so its 4 bytes of tail padding keep whatever the ring buffer held before. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "exitsnoop.h"
#include "compat.bpf.h"

const volatile bool filter_cg = false;
const volatile bool trace_failed_only = false;
const volatile bool trace_by_process = true;
const volatile __u32 target_pid = 0;

SEC("tracepoint/sched/sched_process_exit")
int sched_process_exit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pid = pid_tgid >> 32;
	__u32 tid = (__u32)pid_tgid;
	struct event *eventp;

	if (target_pid && target_pid != pid)
		return 0;
	if (trace_by_process && pid != tid)
		return 0;

	eventp = reserve_buf(sizeof(*eventp)); // expect: c-map-value-padding warning
	if (!eventp)
		return 0;

	eventp->start_time = 0;
	eventp->exit_time = bpf_ktime_get_ns();
	eventp->pid = pid;
	eventp->tid = tid;
	eventp->ppid = 0;
	eventp->sig = 0;
	eventp->exit_code = 0;
	bpf_get_current_comm(&eventp->comm, sizeof(eventp->comm));

	submit_buf(ctx, eventp, sizeof(*eventp));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
