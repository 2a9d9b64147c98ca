// Test program: a loop whose bound is clamped in C, rejected as too large all the same. clang checks the clamp on
// a zero-extended copy of n (r1) but re-extends n (r0) for every loop test, so the verifier never carries the bound
// to the loop and walks it until the 1M instruction limit. At level 1 that limit is hit on the first instruction
// of a branch the verifier had just popped, so the kernel's message lands on the loop branch's line, after its
// disassembly (`30: (2d) if r2 > r3 goto pc-10 BPF program is too large. Processed 1000001 insn`).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rj_acc SEC(".maps");

SEC("xdp")
int clamp_loop(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&rj_acc, &key);
	__u32 n = bpf_get_prandom_u32();

	if (n > 16)
		n = 16;
	if (!v)
		return XDP_PASS;
	for (__u32 i = 0; i < n; i++) /* the loop */
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
