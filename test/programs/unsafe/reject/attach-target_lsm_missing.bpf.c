// Reject (attach-target): an LSM hook this kernel does not have (bpf_lsm_<hook> is looked up in its BTF).
// expect-verifier: failed to find kernel BTF type ID of 'bpf_lsm_file_open_v2'|failed to find kernel BTF type ID of 'file_open_v2'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("lsm/file_open_v2") /* BUG: no such LSM hook */
int deny_open(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
