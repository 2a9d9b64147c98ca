// Test program for cancel: three programs, each a loop the verifier walks for a while at level 2.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[64]);
} table SEC(".maps");

#define LOOP_PROG(name, iters)                                    \
	SEC("xdp") int name(struct xdp_md *ctx)                   \
	{                                                         \
		__u32 key = 0;                                    \
		__u64 sum = 0, *vals = bpf_map_lookup_elem(&table, &key); \
		if (!vals)                                        \
			return XDP_PASS;                          \
		for (int i = 0; i < iters; i++)                   \
			sum += vals[(i * 7) & 63] ^ i;            \
		return sum & 1 ? XDP_DROP : XDP_PASS;             \
	}

LOOP_PROG(loop_a, 3000)
LOOP_PROG(loop_b, 3000)
LOOP_PROG(loop_c, 3000)

char LICENSE[] SEC("license") = "GPL";
