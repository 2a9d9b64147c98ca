// Causal-path test program in inline assembly, one statement per line so each has its own line_info: the result
// of a map lookup (may be NULL) is spilled to the stack, filled into r6 and dereferenced without a check.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} cp_asm SEC(".maps");

SEC("socket")
__attribute__((naked)) int asm_spill(void)
{
	asm volatile ("r1 = 0; *(u32 *)(r10 - 4) = r1; r2 = r10; r2 += -4;" ::: "memory");
	asm volatile ("r1 = %[map] ll; call %[lookup];" :: [map] "i"(&cp_asm), [lookup] "i"(BPF_FUNC_map_lookup_elem) : "memory"); /* origin */
	asm volatile ("*(u64 *)(r10 - 16) = r0;" ::: "memory"); /* spill */
	asm volatile ("r6 = *(u64 *)(r10 - 16);" ::: "memory"); /* fill */
	asm volatile ("r0 = *(u64 *)(r6 + 0);" ::: "memory"); /* BUG: r6 may be NULL */
	asm volatile ("r0 = 0; exit;" ::: "memory");
}

char LICENSE[] SEC("license") = "GPL";
