// Bad input for tests: an fentry program whose target function does not exist in the kernel.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("fentry/no_such_kernel_function_xyz") int attach_missing(void *ctx) { return 0; }
char LICENSE[] SEC("license") = "GPL";
