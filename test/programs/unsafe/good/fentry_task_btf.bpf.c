// fentry with bpf_get_current_task_btf(): the current task is a BTF pointer, read without probe reads.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} forks_by_parent SEC(".maps");

SEC("fentry/wake_up_new_task")
int BPF_PROG(on_fork, struct task_struct *p)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	u32 parent = cur->tgid;
	u64 one = 1, *n;

	if (p->tgid == parent)
		return 0; /* a new thread, not a process */
	n = bpf_map_lookup_elem(&forks_by_parent, &parent);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&forks_by_parent, &parent, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
