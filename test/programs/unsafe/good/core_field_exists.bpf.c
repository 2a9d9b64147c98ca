// CO-RE: bpf_core_field_exists guards a field renamed across kernels; BPF_CORE_READ_INTO and _STR_INTO.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

struct info { long state; u32 ppid; char comm[16]; };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct info);
} last SEC(".maps");

SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(on_new_task, struct task_struct *p)
{
	u32 zero = 0;
	struct info *i = bpf_map_lookup_elem(&last, &zero);

	if (!i)
		return 0;
	if (bpf_core_field_exists(p->__state))
		i->state = BPF_CORE_READ(p, __state);
	else
		i->state = BPF_CORE_READ((struct task_struct___old *)p, state);
	BPF_CORE_READ_INTO(&i->ppid, p, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&i->comm, p, comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
