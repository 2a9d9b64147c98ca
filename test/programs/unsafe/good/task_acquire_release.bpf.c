// A kfunc reference (bpf_task_from_pid) released on every path with bpf_task_release.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

const volatile s32 watched_pid = 1;

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct *w = bpf_task_from_pid(watched_pid);

	if (!w)
		return 0;
	if (parent->tgid != w->tgid) {
		bpf_task_release(w);
		return 0;
	}
	bpf_printk("watched %d forked %d", w->pid, child->pid);
	bpf_task_release(w);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
