// Reject (attach-target): tp_btf on a raw tracepoint this kernel does not have.
// expect-verifier: failed to find kernel BTF type ID of 'sched_switch_v2'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp_btf/sched_switch_v2") /* BUG: no such tracepoint */
int switch_v2(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
