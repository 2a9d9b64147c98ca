// Rejected: bpf_task_acquire() may return NULL (KF_RET_NULL), and its result is read before any check.
// expect: null-check "invalid mem access 'ptr_or_null_'"
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;

__u64 last_pid;

SEC("tp_btf/sched_switch")
int BPF_PROG(task_unchecked, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *t = bpf_task_acquire(next);

	last_pid = t->pid; /* expect-here */
	if (t)
		bpf_task_release(t);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
