// bpf_for (open-coded numeric iterator): the index is proven within [0, N) by the iterator.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "compat.h"

#define N 32

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64[N]);
} buckets SEC(".maps");

SEC("tp/sched/sched_wakeup")
int reset_buckets(void *ctx)
{
	u32 zero = 0;
	u64 *b = bpf_map_lookup_elem(&buckets, &zero);
	int i;

	if (!b)
		return 0;
	bpf_for(i, 0, N)
		b[i] = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
