import { describe, it } from 'node:test';
import { expectMarked as expectFlowMarks } from './unsafe-flow-support';

/**
 * Values the engine computes: constant folding at C's widths (not JavaScript's 32-bit bitwise operators), which
 * context members are packet pointers, and how many stack bytes a helper with a bounded size writes. Each case is a
 * program; `/*! RULE *\/` marks a line the rule must flag, and no other flow finding may appear.
 */
const HEAD = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } arr SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } rb SEC(".maps");
`;

const expectMarked = (body: string) => expectFlowMarks(HEAD + body);

/** A constant condition `on` guards the NULL check: only the branch the value takes exists, for the verifier too. */
const guarded = (init: string) => `
SEC("kprobe/do_unlinkat")
int prog(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&arr, &key);
	__u64 on = ${init};
	if (on) {
		if (!v)
			return 0;
	}
	return *v;
}
`;

describe('flow engine: constant folding at 64 bits', () => {
  const nonzero: Record<string, string> = {
    'a bit above 2^32 under &': '0x10000000000ULL & 0x10000000000ULL',
    'an all-ones low word under &': '0xffffffffULL & 0xffffffffULL',
    '| with a bit above 2^32': '0x10000000000ULL | 0',
    '^ of words that differ above 2^32': '0x100000001ULL ^ 0x1ULL',
    '<< past bit 31': '1ULL << 40',
    '>> of a value above 2^32': '0x10000000000ULL >> 40',
    '&= with a bit above 2^32': '0x30000000000ULL; on &= 0x10000000000ULL',
  };
  for (const [name, init] of Object.entries(nonzero)) {
    it(`${name}: nonzero, so the checked branch is the only path (no false alarm)`, () => expectMarked(guarded(init)));
  }

  /** The dereference sits on the branch a nonzero value takes: a value C wraps to 0 never reaches it. */
  const wrapsToZero = (decl: string) => `
SEC("kprobe/do_unlinkat")
int prog(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&arr, &key);
	${decl}
	if (w)
		return *v;
	return 0;
}
`;
  const wraps: Record<string, string> = {
    '__u8 incremented past 255': '__u8 w = 255;\n\tw++;',
    '__u32 plus 1 from 0xffffffff': '__u32 w = 0xffffffff;\n\tw += 1;',
    '__u16 initialised with 0x10000': '__u16 w = 0x10000;',
    'unsigned short less 0x10000': 'unsigned short w = 0;\n\tw -= 0x10000;',
    // the words of a type in another order name the same type (canonicalScalar)
    'short unsigned initialised with 0x10000': 'short unsigned w = 0x10000;',
    'unsigned char plus 1 from 255, spelt char unsigned': 'char unsigned w = 255;\n\tw += 1;',
  };
  for (const [name, decl] of Object.entries(wraps)) {
    it(`${name}: C wraps it to 0, so the branch that dereferences is never taken`, () => expectMarked(wrapsToZero(decl)));
  }
  it('the same store into a __u64 does not wrap: the dereference is reported', () =>
    expectMarked(wrapsToZero('__u64 w = 0xffffffff;\n\tw += 1;').replace('return *v;', 'return *v; /*! null-check */')));

  it('a value that folds to 0 leaves only the unchecked path: the dereference is reported', async () => {
    const text = guarded('0x10000000000ULL & 0xffffffffULL').replace('return *v;', 'return *v; /*! null-check */');
    await expectMarked(text);
  });
});

describe('flow engine: which context members are packet pointers', () => {
  const readsData = (section: string, ctxType: string, def = '') => `${def}
SEC("${section}")
int prog(${ctxType} *ctx)
{
	__u64 first = ctx->data[1];
	return first == 1;
}
`;
  const TP_ARGS = 'struct enter_args { __u64 common; long nr; __u64 data[6]; };\n';
  it('a tracepoint record with a member named data: a read of it is a context read, not a packet access', () =>
    expectMarked(readsData('tp/raw_syscalls/sys_enter', 'struct enter_args', TP_ARGS)));
  it('the same record in a perf_event and a raw_tp program: no packet access either', async () => {
    await expectMarked(readsData('perf_event', 'struct enter_args', TP_ARGS));
    await expectMarked(readsData('raw_tp/sys_enter', 'struct enter_args', TP_ARGS));
  });

  const unchecked = (section: string, ctxType: string) => `
SEC("${section}")
int prog(struct ${ctxType} *ctx)
{
	unsigned char *p = (unsigned char *)(long)ctx->data;
	return p[0]; /*! packet-bounds */
}
`;
  for (const [section, ctxType] of [['xdp', 'xdp_md'], ['tc', '__sk_buff'], ['sk_msg', 'sk_msg_md'], ['sk_reuseport', 'sk_reuseport_md']]) {
    it(`struct ${ctxType}: data is the packet, so an unchecked read of it is still reported`, () => expectMarked(unchecked(section, ctxType)));
  }
});
