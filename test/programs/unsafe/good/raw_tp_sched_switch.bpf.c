// raw_tp (not BTF-typed): the task pointers are raw arguments, read with BPF_CORE_READ.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} switch_in SEC(".maps");

SEC("raw_tp/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	u32 pid = BPF_CORE_READ(next, pid);
	u64 ts = bpf_ktime_get_ns();

	if (pid)
		bpf_map_update_elem(&switch_in, &pid, &ts, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
