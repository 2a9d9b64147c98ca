// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "procmon.h"

char __license[] SEC("license") = "Dual MIT/GPL";

/* set from Go through bpfVariables.TargetPid (bpf2go 0.16) */
volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} exits SEC(".maps");

/* Force emitting struct event into the ELF: bpf2go -type event generates bpfEvent from it. */
const struct event *unused __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct msg_execve_key);
	__type(value, struct exec_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct proc_info);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct exec_record);
} records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lat_hist); // expect: c-map-value-padding info
} lat_hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct policy_key);
	__type(value, struct policy_val);
} policies SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct limit_value);
} limits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_stat);
} cpu_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct target_config);
} targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct rate_limit);
} rate_limits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct peer);
} peers SEC(".maps");

struct exec_ctx {
	__u64 __unused_common;
	int __data_loc_filename;
	__u32 pid;
	__u32 old_pid;
};

SEC("tracepoint/sched/sched_process_exec")
int handle_exec(struct exec_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct msg_execve_key key = {};
	struct exec_stats *st, init = {};
	struct cpu_stat *cs;
	struct event *e;
	__u32 zero = 0;

	if (target_pid && target_pid != (id >> 32))
		return 0;

	key.pid = id >> 32;
	key.ktime = bpf_ktime_get_ns();
	st = bpf_map_lookup_elem(&stats, &key);
	if (!st) {
		init.count = 1;
		init.last_uid = (__u32)bpf_get_current_uid_gid();
		bpf_map_update_elem(&stats, &key, &init, BPF_NOEXIST);
	} else {
		__sync_fetch_and_add(&st->count, 1);
	}

	struct exec_record rec = { .key = key };
	rec.stats.count = 1;
	bpf_map_update_elem(&records, &key.pid, &rec, BPF_ANY);

	struct lat_hist *lh = bpf_map_lookup_elem(&lat_hists, &zero);
	if (lh) {
		__sync_fetch_and_add(&lh->slots[0].count, 1);
		__sync_fetch_and_add(&lh->slots[0].sum_ns, key.ktime & 0xffff);
	}

	cs = bpf_map_lookup_elem(&cpu_stats, &zero);
	if (cs)
		cs->runs++;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0); // expect: c-map-value-padding info
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->pid = id >> 32;
	e->ts = key.ktime;
	e->kind = EVENT_EXEC;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

struct exit_ctx {
	__u64 __unused_common;
	char comm[TASK_COMM_LEN];
	__u32 pid;
	int prio;
};

SEC("tracepoint/sched/sched_process_exit")
int handle_exit(struct exit_ctx *ctx)
{
	struct exit_event *e;

	e = bpf_ringbuf_reserve(&exits, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = ctx->pid;
	e->code = ctx->prio;
	e->duration_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, 0);
	return 0;
}
