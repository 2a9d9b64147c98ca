// Reject (probe-read): raw_tp (not tp_btf) arguments are raw u64 values; next->pid needs BPF_CORE_READ.
// expect-verifier: invalid mem access 'scalar'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("raw_tp/sched_switch")
int BPF_PROG(raw_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return next->pid == 0; /* BUG: raw tracepoint arguments are not BTF pointers */
}

char LICENSE[] SEC("license") = "GPL";
