// A kprobe without BPF_KPROBE: PT_REGS_PARM1 and bpf_probe_read_kernel into a zeroed local.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe/vfs_write")
int trace_vfs_write(struct pt_regs *ctx)
{
	struct file *file = (struct file *)PT_REGS_PARM1(ctx);
	struct inode *inode = NULL;
	unsigned long ino = 0;

	if (bpf_probe_read_kernel(&inode, sizeof(inode), &file->f_inode))
		return 0;
	if (!inode)
		return 0;
	bpf_probe_read_kernel(&ino, sizeof(ino), &inode->i_ino);
	if (ino == 1)
		bpf_printk("root inode written");
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
