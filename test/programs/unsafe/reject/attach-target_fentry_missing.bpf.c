// Reject (attach-target): fentry on a function this kernel does not have (renamed in 5.6: do_sys_openat2).
// expect-verifier: failed to find kernel BTF type ID of 'do_sys_open_renamed'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("fentry/do_sys_open_renamed") /* BUG: no such kernel function */
int open_entry(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
