// LSM file_open: the current task from bpf_get_current_task_btf(), a trusted pointer read directly.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile pid_t denied_tgid = 0;

SEC("lsm/file_open")
int BPF_PROG(restrict_open, struct file *file)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (denied_tgid && task->tgid == denied_tgid && (file->f_mode & 0x2 /* FMODE_WRITE */))
		return -1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
