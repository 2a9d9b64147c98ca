// Test program: a write to R10 in inline assembly. The log opens with btf.c's notice for a `__naked void`
// program ("Global function … doesn't return scalar"), which is not the error and not a sign of truncation,
// and the error itself ("frame pointer is read only") begins like a precision-tracking line.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
__attribute__((naked)) void frame_pointer(void)
{
	asm volatile ( /* BUG: r10 = 1 writes the frame pointer */
		"r0 = 0;"
		"r10 = 1;"
		"exit;"
		::: "memory");
}

char LICENSE[] SEC("license") = "GPL";
