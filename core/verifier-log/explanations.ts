/** Plain-language explanations and the usual fix for the verifier's most frequent reject messages. */
import { fillAdvice, programTypeAdvice } from './program-type';

export interface Explanation {
  id: string;
  title: string;
  /** Two short lines: what the verifier saw, and why it refuses. */
  explanation: string;
  fix: string;
}

interface Entry extends Explanation { pattern: RegExp }

const E = (id: string, pattern: RegExp, title: string, explanation: string, fix: string): Entry => ({ id, pattern, title, explanation, fix });

const TABLE: Entry[] = [
  E('null-deref', /R\d+ invalid mem access '\w*or_null\w*'|Possibly NULL pointer passed to/, 'Possible NULL dereference',
    'The pointer came from a helper that can fail (map lookup, ringbuf reserve, kptr, socket lookup) and may be NULL here.\nThe verifier refuses any access through a pointer it has not seen checked against NULL on this path.',
    'Test it first: `if (!p) return {pass};`{passNote} (or `if (p) { ... }`) and only use it on the non-NULL branch.'),
  E('scalar-deref', /R\d+ invalid mem access '(?:scalar|inv)'/, 'Dereference of a plain number',
    'The register holds a scalar, not a pointer the verifier tracks (e.g. a value read from memory or cast from an integer).\nOnly pointers with a known type and bounds may be dereferenced directly.',
    'Read kernel memory with bpf_probe_read_kernel()/BPF_CORE_READ(), or keep the original pointer instead of round-tripping it through an integer.'),
  E('packet-bounds', /invalid access to packet|offset is outside of the packet/, 'Packet access without a bounds check',
    'The read or write may go past data_end: no comparison on this path proves the bytes lie inside the packet.\nEvery packet access needs a check against data_end made on the same pointer.',
    'Before the access: `if ((void *)(hdr + 1) > (void *)(long){ctxVar}->data_end) return {pass};`{passNote} (use the pointer you then read through).'),
  E('map-value-bounds', /invalid access to map value|value is outside of the allowed memory range|max value is outside of the allowed memory range/, 'Map value access out of bounds',
    'The offset plus the access size may exceed the map value size (or go below 0).\nThe verifier needs a proven upper bound on every variable offset into a map value.',
    'Bound the index before use (`if (i >= ARRAY_LEN) return {pass};`{passNote}), or mask it (`i & (LEN - 1)` for power-of-two sizes).'),
  E('negative-index', /min value is negative, either use unsigned index or do a if \(index >=0\) check/, 'Possibly negative offset',
    'The offset is a signed value that may be negative on this path.\nA negative index could reach memory before the object.',
    'Use an unsigned type for the index, or check `if (i < 0) return {pass};`{passNote} before using it.'),
  E('unbounded-access', /unbounded memory access|unbounded min value|math between \w+ pointer and register with unbounded/, 'Unbounded offset',
    'A pointer is moved by a register whose range the verifier cannot bound.\nWithout bounds it cannot prove the access stays inside the object.',
    'Clamp the value with an explicit comparison right before it is added to the pointer (compilers may move a check away; re-check after arithmetic).'),
  E('too-large', /BPF program is too large\. Processed \d+ insn/, 'Program too complex: 1M instruction limit',
    'The verifier walked more than 1,000,000 instructions across all paths and gave up.\nLoops with branches and many independent conditions multiply the paths it must explore.',
    'Reduce branching inside loops, use bpf_loop() or open-coded iterators, move work into global (non-static) functions, or split with tail calls.'),
  E('jump-complexity', /The sequence of \d+ jumps is too complex/, 'Too many pending branches',
    'The verifier keeps at most 8192 branches to explore later, and this path exceeded it.\nDeeply nested or long unrolled conditionals cause this.',
    'Reduce unrolling (`#pragma unroll` on big loops), merge conditions, or split the program into global functions.'),
  E('stack-too-big', /combined stack size of \d+ calls is \d+\. Too large|stack size \d+\. Too large|invalid stack off=-?\d+ size=\d+/, 'Stack too big',
    'BPF stacks are limited to 512 bytes, summed over the whole bpf-to-bpf call chain.\nLarge local buffers or structs exceed it.',
    'Move big buffers into a BPF_MAP_TYPE_PERCPU_ARRAY scratch map and use a pointer to its value.'),
  E('uninit-stack', /invalid (?:indirect )?read from stack|invalid (?:indirect )?read.*stack.*off|uninitialized stack/, 'Read of uninitialised stack',
    'The program reads stack bytes it never wrote, often the padding of a struct passed to a helper.\nWithout CAP_PERFMON every byte passed to a helper must be initialised.',
    'Zero the object first (`struct key k = {};` or __builtin_memset(&k, 0, sizeof(k))), then fill in the fields.'),
  E('unreleased-ref', /Unreleased reference id=\d+/, 'Reference not released',
    'A resource acquired on this path (ringbuf reservation, socket, kptr, task reference) is still held at exit.\nEvery acquire needs its release on every path, error paths included.',
    'Call the matching release on each path: bpf_ringbuf_submit()/bpf_ringbuf_discard(), bpf_sk_release(), bpf_task_release(), ...'),
  E('unknown-helper', /unknown func \w+#\d+|invalid func unknown#\d+/, 'Helper unknown to this kernel',
    'The helper or kfunc does not exist on the running kernel (it is newer than the kernel).\nThe verifier rejects calls it cannot resolve.',
    'Check the helper exists on this kernel version (bpftool feature probe), or guard it with bpf_core_enum_value_exists()/a fallback.'),
  E('helper-not-allowed', /program of this type cannot use helper|helper call is not allowed in probe|cannot call \w+ from|not allowed in (?:sleepable|non-sleepable)/, 'Helper not allowed here',
    'This program type (or context: sleepable, callback, lock held) may not call that helper.\nEach program type has its own list of allowed helpers.',
    'Use a helper available to this program type, or change the section (e.g. tracing vs. networking program types).'),
  E('read-uninit-reg', /R\d+ !read_ok/, 'Register read before it was set',
    'A register is used before any value was written to it: often R0 at exit, or R1-R5 after a call (calls clobber them).\nThe verifier does not allow reading uninitialised registers.',
    'Make every path set the return value; reload arguments after helper calls.'),
  E('bad-return', /At program exit the register R0 has .*value|should have been in \[/, 'Return value out of range',
    'The program returns a value its type does not allow: it must return {returns}.\nThe verifier checks R0 at exit against the program type.',
    'Return one of the allowed values on every path (here: {returns}).'),
  E('ctx-access', /invalid bpf_context access off=\d+ size=\d+|invalid ctx access/, 'Invalid context access',
    'The program reads or writes a field of the context that this program type does not expose, or with the wrong size.\nContext accesses are rewritten by the kernel and only allowed fields work.',
    'Use the context struct of this section ({ctx}) with each field\'s declared size; read kernel structs with BPF_CORE_READ().'),
  E('misaligned', /misaligned (?:\w+ )?access/, 'Misaligned access',
    'The access is not aligned to its size and this target (or strict alignment mode) requires it.\nPacket data is often only 2-byte aligned after the Ethernet header.',
    'Align the offset, or copy the bytes with __builtin_memcpy() into an aligned local.'),
  E('gpl-only', /cannot call GPL-restricted function from non-GPL compatible program|GPL-compatible license/, 'GPL-only helper in a non-GPL program',
    'The helper is available only to programs with a GPL-compatible license.\nThe license comes from the "license" section.',
    'Add `char LICENSE[] SEC("license") = "GPL";` (or "Dual BSD/GPL").'),
  E('back-edge', /back-edge from insn \d+ to \d+/, 'Loop the verifier cannot bound',
    'A backward jump forms a loop; kernels before 5.3 reject every loop, newer ones only loops they cannot bound.\nThe loop condition must visibly terminate.',
    'Use a constant bound (`for (int i = 0; i < 64 && i < n; i++)`), #pragma unroll, bpf_loop(), or bpf_for().'),
  E('infinite-loop', /infinite loop detected at insn \d+/, 'Loop with no visible progress',
    'The verifier reached the same state twice inside a loop, so the loop may never end.\nThe induction variable must provably move toward the exit.',
    'Make the loop counter change on every iteration and compare it against a constant bound.'),
  E('unreachable', /unreachable insn \d+/, 'Unreachable instruction',
    'There is code no path reaches: usually a compiler or inline-asm artefact.\nThe verifier refuses dead code.',
    'Compile with clang -O2 -g -target bpf; check inline assembly and `__builtin_unreachable()` uses.'),
  E('jump-range', /jump out of range from insn \d+ to \d+/, 'Jump out of range',
    'A jump targets an instruction outside the program.\nThis is usually a relocation or hand-written bytecode error.',
    'Rebuild with a current clang and load through libbpf, which fixes up calls and jumps.'),
  E('arg-type', /R\d+ type=\S+ expected=/, 'Helper argument of the wrong type',
    'A helper argument is not the kind of pointer or value its prototype requires.\nE.g. a map value where a map pointer is expected, or a packet pointer where a stack pointer is required.',
    'Pass exactly what the helper expects: `&map` for maps, a pointer to an initialised stack variable for keys.'),
  E('leaks-addr', /leaks addr (?:into|as)/, 'Kernel address would leak',
    'A pointer would be stored where user space can read it (map, return value, context).\nOnly loaders with CAP_PERFMON may do that.',
    'Store a scalar instead (an id, or a value read through the pointer), or load with CAP_PERFMON.'),
  E('modified-ptr', /dereference of modified \w+ ptr R\d+ off=-?\d+ disallowed|pointer arithmetic on \w+ prohibited/, 'Arithmetic on a restricted pointer',
    'This pointer type (ctx, socket, map pointer) may not be moved before it is dereferenced.\nThe kernel rewrites such accesses and needs the original pointer.',
    'Access fields through the unmodified pointer (`ctx->field`), not through `ctx + off`.'),
  E('call-depth', /the call stack of \d+ frames is too deep/, 'Call chain too deep',
    'bpf-to-bpf calls may nest at most 8 frames.\nRecursion is not allowed.',
    'Flatten the call chain (inline small helpers with __always_inline).'),
  E('loop-not-bounded', /loop is not bounded|bpf_loop.*callback/, 'Unbounded loop',
    'The verifier cannot find an upper bound on the loop\'s iterations.\nIt needs a constant limit it can see in the condition.',
    'Add a constant bound to the condition, or use bpf_loop()/bpf_for() with a fixed count.'),
  E('dynptr', /expected an initialized dynptr|cannot overwrite referenced dynptr|Expected an initialized dynptr/, 'Invalid dynptr use',
    'A dynptr is used before it was initialised, or overwritten while it holds a reference.\nDynptrs must be initialised by a helper and released before reuse.',
    'Initialise it with the matching bpf_dynptr_from_*/bpf_ringbuf_reserve_dynptr() and submit/discard it exactly once.'),
  E('lock', /bpf_spin_lock|function calls are not allowed while holding a lock|BPF_EXIT instruction cannot be used inside bpf_spin_lock/, 'Spin lock misuse',
    'While a bpf_spin_lock is held, calls and exits are not allowed, and every lock needs its unlock.\nThe verifier checks lock pairing on every path.',
    'Keep the critical section to plain loads and stores and unlock on every path before exit or calls.'),
  E('func-info', /Global function \S+ doesn't return scalar|arg#\d+ reference type\(|Caller passes invalid args into func#\d+/, 'Global function signature problem',
    'A global (non-static) function is verified on its own from its BTF prototype, and its arguments or return type do not fit.\nGlobal functions may only take scalars, context, or pointers to sized types.',
    'Make the function static (verified in context), or change its signature to types the verifier can check.'),
  E('core-relo', /failed to resolve CO-RE relocation|<invalid CO-RE relocation>/, 'CO-RE relocation failed',
    'libbpf could not find the field or type in the running kernel\'s BTF, so it poisoned the instruction that uses it.\nThe verifier then rejects the poisoned instruction when this path can reach it.',
    'Guard the access with bpf_core_field_exists()/bpf_core_type_exists(), or use a ___flavor struct that matches this kernel.'),
  E('map-not-created', /BPF map '[^']*' is referenced but wasn't created|<invalid BPF map reference>/, 'Map not created',
    'The program uses a map that libbpf did not create (autocreate off, or creation failed).\nlibbpf poisoned the instruction that references it.',
    'Enable the map\'s creation (bpf_map__set_autocreate) or remove the reference from this program.'),
  E('kfunc-unresolved', /kfunc '[^']*' is referenced but wasn't resolved|<invalid kfunc call>/, 'kfunc not found',
    'The kfunc the program calls does not exist in the running kernel\'s BTF.\nlibbpf poisoned the call; the verifier rejects it if this path reaches it.',
    'Guard the call with bpf_ksym_exists(), or require a kernel that provides the kfunc.'),
  E('kfunc-arg', /^arg#\d+ (?!reference type\()/m, 'kfunc or global function argument refused',
    'The verifier checked argument N (counting from 0) of a kfunc or global function call against the callee\'s BTF prototype and it does not fit:\nthe pointer has the wrong kind (stack, map value, untrusted), is not the object the kfunc manages, or points to a type it cannot check.',
    'Pass what the prototype asks for: a trusted kernel pointer (from the context or an acquire kfunc), an object from bpf_obj_new() for the bpf_obj_* kfuncs, or a pointer to a plain struct of scalars for memory arguments.'),
  E('frame-pointer', /^frame pointer is read only/m, 'Write to the frame pointer',
    'An instruction writes R10, the read-only frame pointer (usually hand-written or inline assembly).\nThe verifier tracks every stack access relative to R10, so it may never change.',
    'Copy R10 to another register and move that one (`r1 = r10; r1 += -8;`).'),
  E('exception-cb-missing', /^exception callback type id not found in func_info/m, 'Exception callback not loaded',
    'The program names an exception callback (`__exception_cb`), but the loader did not append that function to the program.\nlibbpf appends exception callbacks since version 1.3; older versions leave them out, and the kernel then refuses the program.',
    'Load with libbpf 1.3 or newer (or cilium/ebpf 0.13+), or drop the exception callback.'),
];

/**
 * The explanation for a reject message (its lines joined), or null when it is not one we know. The advice is for
 * the program's type when its section is known (a TC program returns TC_ACT_OK, not XDP_PASS).
 */
export function explain(message: string, section?: string | null): Explanation | null {
  const entry = TABLE.find((e) => e.pattern.test(message));
  return entry ? filled(entry, section) : null;
}

/** An explanation's text for a program of this section: what `explain` gives when it knows the section. */
export function forProgramType(ex: Explanation, section: string | null | undefined): Explanation {
  const entry = TABLE.find((e) => e.id === ex.id);
  return entry ? filled(entry, section) : ex;
}

/** A table entry's texts with the section's program-type advice filled in. */
function filled(entry: Entry, section: string | null | undefined): Explanation {
  const advice = programTypeAdvice(section);
  return { id: entry.id, title: entry.title, explanation: fillAdvice(entry.explanation, advice), fix: fillAdvice(entry.fix, advice) };
}

export const EXPLANATION_IDS = TABLE.map((e) => e.id);
