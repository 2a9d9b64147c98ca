// Reject (probe-read): bpf_get_current_task() returns a number, not a BTF pointer; task->tgid cannot be loaded directly.
// expect-verifier: invalid mem access 'scalar'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tracepoint/sched/sched_process_exec")
int exec_parent(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int tgid = task->tgid; /* BUG: direct dereference of a raw pointer */

	bpf_printk("exec %d", tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
