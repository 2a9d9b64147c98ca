// LSM hook (libbpf-bootstrap lsm style): BTF-typed arguments read directly; the verdict returned.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} exec_by_uid SEC(".maps");

SEC("lsm/bprm_check_security")
int BPF_PROG(count_exec, struct linux_binprm *bprm, int ret)
{
	u32 uid;
	u64 one = 1, *n;

	if (ret != 0)
		return ret;
	uid = bprm->cred->uid.val;
	n = bpf_map_lookup_elem(&exec_by_uid, &uid);
	if (!n) {
		bpf_map_update_elem(&exec_by_uid, &uid, &one, BPF_NOEXIST);
		return 0;
	}
	__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
