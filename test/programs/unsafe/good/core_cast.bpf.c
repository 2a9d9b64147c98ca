// bpf_core_cast (kernel 6.4+ bpf_rdonly_cast): a raw pointer becomes a BTF pointer read directly.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "compat.h"

SEC("kprobe/security_file_open")
int BPF_KPROBE(kprobe_file_open, struct file *file)
{
	struct file *f = bpf_core_cast(file, struct file);

	if (f->f_flags & 0100 /* O_CREAT */)
		bpf_printk("open with O_CREAT by %d", bpf_get_current_pid_tgid() >> 32);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
