// Test program: a branch back to itself whose taken side learns nothing (`if r0 & 0x3`: not a single bit), so
// the state it pushes equals the loop head's exactly. The verifier explores the fall-through, pops the branch and
// finds the infinite loop before printing the popped state: at level 1 the message lands on the branch's line
// (`1: (45) if r0 & 0x3 goto pc-1 infinite loop detected at insn 1`), and `cur state:` / `old state:` follow.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
__attribute__((naked)) void glued_infinite_loop(void)
{
	asm volatile (
		"call %[bpf_get_prandom_u32];"
		/* if r0 & 0x3 goto pc-1, as bytes: clang 14's assembler has no JSET syntax */
		".byte 0x45, 0x00, 0xff, 0xff, 0x03, 0x00, 0x00, 0x00;"
		"r0 = 0;"
		"exit;"
		:: [bpf_get_prandom_u32] "i"(BPF_FUNC_get_prandom_u32) : "memory");
}

char LICENSE[] SEC("license") = "GPL";
