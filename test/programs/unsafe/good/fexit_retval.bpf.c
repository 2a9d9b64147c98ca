// fexit: the traced function's return value comes last; failures counted per errno.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, s32);
	__type(value, u64);
} errors SEC(".maps");

SEC("fexit/vfs_read")
int BPF_PROG(vfs_read_exit, struct file *file, char *buf, size_t count, loff_t *pos, ssize_t ret)
{
	s32 err;
	u64 one = 1, *n;

	if (ret >= 0)
		return 0;
	err = (s32)ret;
	n = bpf_map_lookup_elem(&errors, &err);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&errors, &err, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
