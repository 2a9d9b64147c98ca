// SPDX-License-Identifier: GPL-2.0
/* cpudist: on-CPU time per task. cpudist.gen.h is written by the Makefile from the build machine's CPU count
 * (`echo "#define NR_CPUS_MAX $(nproc)" > $(OUTPUT)/cpudist.gen.h`), so a lint that runs before the build cannot
 * know how big struct cpu_hist is. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "cpudist.gen.h"

#define MAX_SLOTS 36

struct cpu_hist { // expect: layout-unknown info
	__u32 slots[MAX_SLOTS];
	__u64 total_ns;
	__u32 per_cpu[NR_CPUS_MAX];
};

static struct cpu_hist initial_hist;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct cpu_hist);
} hists SEC(".maps");

SEC("tp/sched/sched_switch")
int sched_switch(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u32 cpu = bpf_get_smp_processor_id();
	struct cpu_hist *h;

	h = bpf_map_lookup_elem(&hists, &pid);
	if (!h) {
		bpf_map_update_elem(&hists, &pid, &initial_hist, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &pid);
		if (!h)
			return 0;
	}
	if (cpu < NR_CPUS_MAX)
		__sync_fetch_and_add(&h->per_cpu[cpu], 1);
	__sync_fetch_and_add(&h->slots[0], 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
