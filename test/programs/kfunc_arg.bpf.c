// Test program: kfunc argument errors begin with `arg#N`, like btf.c's informational lines, but are the reject.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void bpf_obj_drop_impl(void *kptr, void *meta) __ksym;

SEC("tp_btf/task_newtask")
int kfunc_not_scalar(u64 *ctx)
{
	__u64 slot[4] = {};
	struct task_struct *p = bpf_task_acquire((struct task_struct *)slot); /* BUG(kfunc_not_scalar): a stack pointer where a task is expected */

	if (p)
		bpf_task_release(p);
	return 0;
}

SEC("tp_btf/task_newtask")
int kfunc_not_allocated(u64 *ctx)
{
	struct task_struct *p = bpf_task_acquire((struct task_struct *)ctx[0]);

	if (!p)
		return 0;
	bpf_obj_drop_impl(p, 0); /* BUG(kfunc_not_allocated): the task was not made by bpf_obj_new */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
