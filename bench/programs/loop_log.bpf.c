// Benchmark input, not an example: a bounded loop the verifier walks iteration by iteration, so a level-2 log of
// it is large (about 9 KB per iteration), then a NULL dereference after the loop, so the reject is at the very end.
// LOOP_ITERS scales it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef LOOP_ITERS
#define LOOP_ITERS 4000
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[64]);
} table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

SEC("xdp")
int loop_log(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *vals = bpf_map_lookup_elem(&table, &key);
	__u64 sum = 0, *total;

	if (!vals)
		return XDP_PASS;
	for (int i = 0; i < LOOP_ITERS; i++)
		sum += vals[(i * 7) & 63] ^ i;
	total = bpf_map_lookup_elem(&totals, &key);
	*total = sum; /* rejected: total may be NULL */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
