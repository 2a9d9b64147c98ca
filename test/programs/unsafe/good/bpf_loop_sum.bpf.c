// bpf_loop with a static callback: the loop count is the helper's business, not the verifier's.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct loop_ctx {
	u64 sum;
	u32 *values;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u32[64]);
} samples SEC(".maps");

static long add_one(u64 index, void *data)
{
	struct loop_ctx *lc = data;

	if (index >= 64)
		return 1;
	lc->sum += lc->values[index];
	return 0;
}

SEC("tp/sched/sched_switch")
int sum_samples(void *ctx)
{
	u32 zero = 0;
	struct loop_ctx lc = {};

	lc.values = bpf_map_lookup_elem(&samples, &zero);
	if (!lc.values)
		return 0;
	bpf_loop(64, add_one, &lc, 0);
	bpf_printk("sum %llu", lc.sum);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
