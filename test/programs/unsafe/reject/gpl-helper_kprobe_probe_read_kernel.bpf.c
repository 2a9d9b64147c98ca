// Reject (gpl-helper): bpf_probe_read_kernel is GPL-only; "MIT" is not a license the kernel counts as GPL-compatible.
// expect-verifier: cannot call GPL-restricted function from non-GPL compatible program
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("kprobe/vfs_read")
int read_file_ptr(void *ctx)
{
	void *p = 0;

	bpf_probe_read_kernel(&p, sizeof(p), ctx); /* BUG: GPL-only helper */
	return p != 0;
}

char LICENSE[] SEC("license") = "MIT";
