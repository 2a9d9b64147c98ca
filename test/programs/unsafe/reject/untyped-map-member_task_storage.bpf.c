// Reject (untyped-map-member): task local storage needs BTF key and value types; sizes alone are refused.
// expect-verifier: EINVAL|Invalid argument
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(int)); /* BUG: no BTF key type (nor value type below) */
	__uint(value_size, sizeof(u64));
} rj_start_ts SEC(".maps");

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_wakeup, struct task_struct *p)
{
	u64 *ts = bpf_task_storage_get(&rj_start_ts, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (ts)
		*ts = bpf_ktime_get_ns();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
