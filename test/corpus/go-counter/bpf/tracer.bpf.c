// SPDX-License-Identifier: GPL-2.0
/* tracer: credentials and start time of each exec'ing task, read with CO-RE from the kernel's own structs. Loaded by
 * tracer.go with ebpf.LoadCollection (no bpf2go for this one). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char __license[] SEC("license") = "Dual MIT/GPL";

struct cred_info {
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 egid;
};

struct task_info {
	__u32 pid;
	__u32 tgid;
	char comm[16];
	__u64 start_time;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct cred_info);
} creds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct task_info);
} tasks SEC(".maps");

SEC("tp/sched/sched_process_exec")
int trace_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct cred_info ci = {};
	struct task_info ti = {};

	ci.uid = BPF_CORE_READ(task, real_cred, uid.val);
	ci.gid = BPF_CORE_READ(task, real_cred, gid.val);
	ci.euid = BPF_CORE_READ(task, cred, euid.val);
	ci.egid = BPF_CORE_READ(task, cred, egid.val);
	bpf_map_update_elem(&creds, &pid, &ci, BPF_ANY);

	ti.pid = pid;
	ti.tgid = BPF_CORE_READ(task, tgid);
	ti.start_time = BPF_CORE_READ(task, start_time);
	bpf_get_current_comm(&ti.comm, sizeof(ti.comm));
	bpf_map_update_elem(&tasks, &pid, &ti, BPF_ANY);
	return 0;
}
