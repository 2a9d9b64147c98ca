// Rejected: a task reference taken with bpf_task_acquire() is not released when the program returns early.
// expect: reference-leak "Unreleased reference"
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;

__u64 seen;

SEC("tp_btf/sched_switch")
int BPF_PROG(task_acquire, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *t = bpf_task_acquire(next);

	if (!t)
		return 0;
	if (t->pid == 0)
		return 0; /* expect-here */
	seen++;
	bpf_task_release(t);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
