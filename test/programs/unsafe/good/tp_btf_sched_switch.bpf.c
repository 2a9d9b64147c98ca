// tp_btf (BTF-typed raw tracepoint, runqslower style): task pointers are dereferenced directly.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	u32 pid = next->pid;
	u64 *tsp, delta;

	if (prev->__state == 0 /* TASK_RUNNING */) {
		u32 prev_pid = prev->pid;
		u64 now = bpf_ktime_get_ns();

		bpf_map_update_elem(&start, &prev_pid, &now, BPF_ANY);
	}
	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &pid);
	if (delta > 1000000)
		bpf_printk("pid %u waited %llu ns", pid, delta);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
