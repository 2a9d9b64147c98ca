// Reject (probe-read): a BPF_KPROBE argument is a raw register value; name->name must be read with BPF_CORE_READ.
// expect-verifier: invalid mem access 'scalar'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(unlink_entry, int dfd, struct filename *name)
{
	const char *path = name->name; /* BUG: direct dereference in a kprobe */

	bpf_printk("unlink %s", path);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
