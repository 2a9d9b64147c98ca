// SPDX-License-Identifier: GPL-2.0
/* runqlat: run queue latency histograms, keyed by what HIST_MODE (runqlat.h) selects. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <runqlat.h>
#include "maps.bpf.h"

#define MAX_ENTRIES	10240

const volatile __u32 targ_tgid = 0;

/* pid, then the bitfields in one __u32, then nr_running: 10 bytes of fields in 12 */
struct runq_key { // expect: c-map-key-padding warning
#if HIST_MODE == HIST_MODE_PID
	__u32 pid;
#elif HIST_MODE == HIST_MODE_CGROUP
	__u64 cgroup;
#else
	__u32 cpu;
#endif
	__u32 prio : 8,
	      policy : 24;
	__u16 nr_running;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

/* 12 bytes of fields in 16: user space reads the 4 tail bytes of every value */
struct runq_stat { // expect: c-map-value-padding warning
	__u64 total_ns;
	__u32 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, struct runq_stat);
} stats SEC(".maps");

static struct hist zero;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct runq_key);
	__type(value, struct hist);
} hists SEC(".maps");

struct sched_switch_ctx {
	__u64 __unused_common;
	char prev_comm[TASK_COMM_LEN];
	__u32 prev_pid;
	int prev_prio;
	__s64 prev_state;
	char next_comm[TASK_COMM_LEN];
	__u32 next_pid;
	int next_prio;
};

SEC("tp/sched/sched_wakeup")
int sched_wakeup(struct sched_switch_ctx *ctx)
{
	__u32 pid = ctx->next_pid;
	__u64 ts = bpf_ktime_get_ns();

	if (targ_tgid && targ_tgid != pid)
		return 0;
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
	return 0;
}

SEC("tp/sched/sched_switch")
int sched_switch(struct sched_switch_ctx *ctx)
{
	__u32 pid = ctx->next_pid;
	struct runq_key key;
	struct hist *histp;
	__u64 *tsp, slot;
	__s64 delta;

	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp)
		return 0;
	delta = (__s64)(bpf_ktime_get_ns() - *tsp);
	if (delta < 0)
		goto cleanup;

	key.pid = pid;
	key.prio = ctx->next_prio;
	key.policy = 0;
	key.nr_running = 0;
	histp = bpf_map_lookup_or_try_init(&hists, &key, &zero);
	if (!histp)
		goto cleanup;
	if (!histp->comm[0])
		bpf_probe_read_kernel_str(&histp->comm, sizeof(histp->comm), ctx->next_comm);
	/* designated initialiser: the tail bytes keep whatever the stack held */
	struct runq_stat st = { .total_ns = delta, .count = 1 };
	struct runq_stat *stp = bpf_map_lookup_elem(&stats, &pid);
	if (stp) {
		__sync_fetch_and_add(&stp->total_ns, delta);
		__sync_fetch_and_add(&stp->count, 1);
	} else {
		bpf_map_update_elem(&stats, &pid, &st, BPF_NOEXIST);
	}

	slot = delta / 1000;
	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	__sync_fetch_and_add(&histp->slots[slot], 1);

cleanup:
	bpf_map_delete_elem(&start, &pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
