// Reject (gpl-helper): bpf_get_current_task is GPL-only; "Dual BSD/MIT" is not GPL-compatible to the kernel.
// expect-verifier: cannot call GPL-restricted function from non-GPL compatible program
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/sched/sched_switch")
int tp_task(void *ctx)
{
	__u64 task = bpf_get_current_task(); /* BUG: GPL-only helper */

	return task == 0;
}

char LICENSE[] SEC("license") = "Dual BSD/MIT";
