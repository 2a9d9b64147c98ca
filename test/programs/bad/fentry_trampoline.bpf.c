// Test program: an fentry program needs a BPF trampoline. A kernel that refuses trampolines answers EPERM with an
// empty log even to root with every capability: the message must then not blame capabilities.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("fentry/do_unlinkat")
int fentry_trampoline(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
