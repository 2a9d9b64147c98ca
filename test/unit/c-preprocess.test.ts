import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLayoutEngine } from '../../core/layout/c-layout';
import type { CFileModel } from '../../core/source/c-model';
import { scanDirectives } from '../../core/source/c-directives';
import { evalCondition, type Macro } from '../../core/source/c-preprocess';
import { cModel } from '../support/c-model';

/** The laid-out members of `name` as `name@offset`, or the reason it was not laid out. */
function members(model: CFileModel, name: string): string {
  const engine = new CLayoutEngine(model);
  const rec = engine.findRecord('struct', name);
  assert.ok(rec, `struct ${name} found`);
  const out = engine.structLayout(rec);
  return out.ok ? `${out.value.fields.map((f) => `${f.name}@${f.offset}`).join(' ')} size ${out.value.size}` : `not laid out: ${out.reason}`;
}

const struct = (body: string) => `struct k {\n\t__u8 a;\n${body}\n\t__u64 z;\n};\n`;

describe('C preprocessor lines in struct bodies', () => {
  it('#if 1 keeps its members, #if 0 drops them (every member under any #if used to be dropped)', async () => {
    assert.equal(members(await cModel(struct('#if 1\n\t__u32 b;\n#endif')), 'k'), 'a@0 b@4 z@8 size 16');
    assert.equal(members(await cModel(struct('#if 0\n\t__u32 b;\n#else\n\t__u16 c;\n#endif')), 'k'), 'a@0 c@2 z@8 size 16');
  });

  it('#ifdef, #ifndef, #elif and nesting follow the file\'s own #defines, in order', async () => {
    const src = '#define WANT_PID\n#define LEVEL 3\n' + struct(
      '#ifdef WANT_PID\n\t__u32 pid;\n#endif\n#ifndef WANT_PID\n\t__u64 nopid;\n#endif\n'
      + '#if LEVEL > 4\n\t__u64 big;\n#elif defined(WANT_PID) && LEVEL * 2 == 6\n\t__u16 mid;\n#  ifdef NOT_DEFINED\n\t__u64 deep;\n#  else\n\t__u8 shallow;\n#  endif\n#else\n\t__u8 none;\n#endif');
    assert.equal(members(await cModel(src), 'k'), 'a@0 pid@4 mid@8 shallow@10 z@16 size 24');
  });

  it('a #define after the struct does not count; #undef does', async () => {
    const src = '#define X 1\n#undef X\n' + struct('#ifdef X\n\t__u64 x;\n#endif') + '#define X 1\n';
    assert.equal(members(await cModel(src), 'k'), 'a@0 z@8 size 16');
  });

  it('-D from the command line or the build (model.predefined) decides conditions and array sizes; -U removes a macro', async () => {
    const src = '#ifndef LEN\n#define LEN 4\n#endif\n' + struct('\tchar name[LEN];\n#ifdef __TARGET_ARCH_x86\n\t__u64 regs;\n#endif');
    assert.equal(members(await cModel(src), 'k'), 'a@0 name@1 z@8 size 16');
    const model = await cModel(src);
    model.predefined = new Map([['LEN', '12'], ['__TARGET_ARCH_x86', '1']]);
    assert.equal(members(model, 'k'), 'a@0 name@1 regs@16 z@24 size 32');
    const undef = await cModel('#define DEBUG 1\n' + struct('#if DEBUG\n\t__u64 dbg;\n#endif'));
    undef.predefined = new Map([['DEBUG', null]]);
    assert.equal(members(undef, 'k'), 'a@0 dbg@8 z@16 size 24'); // -U comes before the file's own #define, as with clang
  });

  it('the BPF target\'s predefined macros are known: __BYTE_ORDER__, __bpf__, __SIZEOF_LONG__', async () => {
    const src = struct('#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__bpf__) && __SIZEOF_LONG__ == 8\n\t__u32 le;\n#else\n\t__u32 be;\n#endif');
    assert.equal(members(await cModel(src), 'k'), 'a@0 le@4 z@8 size 16');
  });

  it('an undecidable condition makes the struct "not laid out" with the reason, never silently wrong', async () => {
    const cases: [string, RegExp][] = [
      ['#if KERNEL_VERSION(5, 8, 0) > 0\n\t__u32 b;\n#endif', /member 'b' of struct k depends on #if KERNEL_VERSION\(5, 8, 0\) > 0: KERNEL_VERSION\(...\) is not a macro any known file defines/],
      ['#if __clang_major__ >= 12\n\t__u32 b;\n#endif', /__clang_major__ is defined under a condition that cannot be decided/],
      ['#if __has_attribute(preserve_access_index)\n\t__u32 b;\n#endif', /asks the compiler/],
    ];
    for (const [body, reason] of cases) assert.match(members(await cModel(struct(body)), 'k'), reason);
    // a macro defined under an undecidable condition is undecidable too
    const chained = '#if __clang_major__ > 10\n#define NEW_CLANG\n#endif\n' + struct('#ifdef NEW_CLANG\n\t__u32 b;\n#endif');
    assert.match(members(await cModel(chained), 'k'), /#ifdef NEW_CLANG: NEW_CLANG is defined under a condition that cannot be decided/);
  });

  it('a header that was not read (not found, or a system header) makes a condition on an unknown macro undecidable', async () => {
    const model = await cModel('#include "config.h"\n' + struct('#ifdef ENABLE_IPV6\n\t__u32 v6[4];\n#endif'));
    model.headers = [];
    model.includeLinks = new Map();
    assert.match(members(model, 'k'), /ENABLE_IPV6 may be defined in "config.h", which this tool did not read/);
    // linux/if_ether.h defines ETH_P_IPV6: clang takes the branch, so "undefined" would be silently wrong
    const system = await cModel('#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n#include <linux/if_ether.h>\n' + struct('#ifdef ETH_P_IPV6\n\t__u32 v6[4];\n#endif'));
    assert.match(members(system, 'k'), /ETH_P_IPV6 may be defined in <linux\/if_ether.h>, which this tool did not read/);
    // vmlinux.h and libbpf's headers alone leave it decidable
    const libbpf = await cModel('#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n' + struct('#ifdef ETH_P_IPV6\n\t__u32 v6[4];\n#endif'));
    assert.equal(members(libbpf, 'k'), 'a@0 z@8 size 16');
  });

  it('an include guard or a default (#ifndef X / #define X) is taken, whatever the unread headers before it define', async () => {
    const header = await cModel('#ifndef __COMMON_H\n#define __COMMON_H\n#ifndef WORDS\n#define WORDS 2\n#endif\n#endif\n');
    const main = await cModel('#include <linux/types.h>\n#include "common.h"\n' + struct('\t__u32 w[WORDS];'));
    main.headers = [header];
    main.includeLinks = new Map([[main, new Map([['common.h', header]])]]);
    assert.equal(members(main, 'k'), 'a@0 w@4 z@16 size 24');
  });

  it('headers\' #defines count where they are included; a header\'s own conditions use the macros before it', async () => {
    const header = await cModel('#ifndef COMMON_H\n#define COMMON_H\n#ifdef WIDE\n#define ADDR_WORDS 4\n#else\n#define ADDR_WORDS 1\n#endif\n#endif\n');
    const main = await cModel('#define WIDE\n#include "common.h"\n' + struct('\t__u32 addr[ADDR_WORDS];\n#if ADDR_WORDS > 1\n\t__u8 wide;\n#endif'));
    main.headers = [header];
    main.includeLinks = new Map([[main, new Map([['common.h', header]])]]);
    assert.equal(members(main, 'k'), 'a@0 addr@4 wide@20 z@24 size 32');
  });

  it('the definition under the true branch is the one used when a struct is defined per configuration', async () => {
    const src = '#define V2\n#ifdef V2\nstruct k { __u64 a; __u32 b; };\n#else\nstruct k { __u8 a; };\n#endif\n';
    const model = await cModel(src);
    assert.equal(members(model, 'k'), 'a@0 b@8 size 16');
    const engine = new CLayoutEngine(model);
    assert.match(JSON.stringify(engine.structLayout(model.records[1])), /not compiled/);
  });

  it('names the macros a layout assumed undefined', async () => {
    const model = await cModel(struct('#ifdef __TARGET_ARCH_arm64\n\t__u64 regs;\n#endif'));
    const engine = new CLayoutEngine(model);
    assert.deepEqual(engine.assumedUndefined(model.records[0]), ['__TARGET_ARCH_arm64']);
  });

  it('scans directives across continuations and skips # inside block comments', () => {
    const d = scanDirectives('/* a\n#define NOT 1\n*/\n#define LONG (1 + \\\n  2) /* c */\n  #  if defined(X) // why\n#endif\n#include <linux/bpf.h>\n');
    assert.deepEqual(d.map((x) => [x.kind, x.at.line, x.name ?? x.text ?? x.path]), [['define', 3, 'LONG'], ['if', 5, 'defined(X)'], ['endif', 6, undefined], ['include', 7, 'linux/bpf.h']]);
    assert.equal(d[0].text, '(1 +    2)');
  });
});

describe('C attributes and type spellings', () => {
  const layout = async (src: string, name = 'k') => members(await cModel(src), name);

  it('packed and aligned combined, in one list or two specifiers, on a struct or a typedef', async () => {
    assert.equal(await layout('struct k { __u8 a; __u32 b; } __attribute__((packed)) __attribute__((aligned(8)));\n'), 'a@0 b@1 size 8');
    assert.equal(await layout('struct __attribute__((__packed__, __aligned__(4))) k { __u8 a; __u16 b; };\n'), 'a@0 b@1 size 4');
    const td = await cModel('typedef struct { __u8 a; __u64 b; } __attribute__((packed)) __attribute__((aligned(4))) k_t;\n');
    const engine = new CLayoutEngine(td);
    const out = engine.structLayout(td.records[0]);
    assert.ok(out.ok);
    assert.deepEqual([out.value.size, out.value.align], [12, 4]);
  });

  it('an aligned member inside a packed struct keeps its alignment', async () => {
    // and raises the struct's: clang makes this one 20 bytes, aligned to 4
    assert.equal(await layout('struct k { __u8 a; __u32 b __attribute__((aligned(4))); __u8 c; __u64 d; } __attribute__((packed));\n'), 'a@0 b@4 c@8 d@9 size 20');
  });

  it('an alignment that is not a constant, or an unexpanded attribute macro, is reported', async () => {
    assert.match(await layout('struct k { __u8 a; } __attribute__((aligned(sizeof(long))));\n'), /aligned\(...\) attribute whose argument is not an integer constant/);
    assert.match(await layout('struct k { __u8 a; __u64 b __alignof_this(8); };\n'), /does not parse .*a macro this tool does not expand/);
  });

  it('multi-word types in any order and spelling', async () => {
    const src = 'struct k { char signed a; short unsigned int b; long long unsigned int c; unsigned d; signed short e; int long f; char unsigned g; };\n';
    const model = await cModel(src);
    const out = new CLayoutEngine(model).structLayout(model.records[0]);
    assert.ok(out.ok, out.ok ? '' : out.reason);
    assert.deepEqual(out.value.fields.map((f) => [f.name, f.offset, f.size]), [['a', 0, 1], ['b', 2, 2], ['c', 8, 8], ['d', 16, 4], ['e', 20, 2], ['f', 24, 8], ['g', 32, 1]]);
  });
});

describe('attribute macros after a struct body', () => {
  it('`} __packed;` packs when the unit defines __packed as the attribute; unknown when nothing read defines it', async () => {
    const body = 'struct k { __u8 a; __u32 b; } __packed;\n';
    assert.equal(members(await cModel(`#define __packed __attribute__((packed))\n${body}`), 'k'), 'a@0 b@1 size 5');
    assert.match(members(await cModel(body), 'k'), /struct k uses __packed, an attribute macro no file this tool read defines/);
    assert.equal(members(await cModel('struct k { __u8 a; __u32 b; } __my_var;\n'), 'k'), 'a@0 b@4 size 8'); // a variable
  });

  it('kernel-style __aligned(N) on members and __packed on a typedef expand with the unit\'s macros', async () => {
    const defs = '#define __packed __attribute__((packed))\n#define __aligned(x) __attribute__((aligned(x)))\n#define WORD 8\n';
    assert.equal(members(await cModel(`${defs}struct k { __u8 a; __u32 b __aligned(WORD); __u8 c[3] __aligned(2); };\n`), 'k'), 'a@0 b@8 c@12 size 16');
    const td = await cModel(`${defs}typedef struct { __u8 a; __u64 b; } __packed pk_t;\n`);
    const engine = new CLayoutEngine(td);
    const out = engine.structLayout(td.records[0]);
    assert.deepEqual(out.ok ? [td.records[0].typedefName, out.value.size] : out.reason, ['pk_t', 9]);
    assert.match(members(await cModel('struct k { __u8 a; __u64 b __aligned(8); };\n'), 'k'), /member 'b' uses __aligned\(8\), an attribute macro no file this tool read defines/);
  });
});

describe('fixes for structs with #if in the body', () => {
  it('no padding fix or reorder is offered: the holes differ between configurations', async () => {
    const { checkMapKeyPadding } = await import('../../core/rules/c-map-key-padding');
    const map = 'struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct k);\n\t__type(value, __u64);\n} m SEC(".maps");\n';
    const [f] = checkMapKeyPadding(await cModel(struct('#ifdef WIDE\n\t__u64 w;\n#endif') + map));
    assert.equal(f.rule, 'c-map-key-padding');
    assert.deepEqual(f.fixes?.(), []);
    const [plain] = checkMapKeyPadding(await cModel(struct('') + map));
    assert.ok((plain.fixes?.() ?? []).length > 0);
  });
});

describe('#pragma pack', () => {
  it('caps member alignment (aligned members too) where it is in force; pop and pack() restore it', async () => {
    const src = '#pragma pack(push, 2)\nstruct a { __u8 x; __u64 y; };\nstruct b { __u8 x; __u64 y __attribute__((aligned(8))); };\n#pragma pack(pop)\n'
      + 'struct c { __u8 x; __u64 y; };\n#pragma pack(1)\nstruct d { __u8 x; __u32 y; };\n#pragma pack()\nstruct e { __u8 x; __u32 y; };\n';
    const model = await cModel(src);
    // what clang's BTF says for the same source
    assert.deepEqual(['a', 'b', 'c', 'd', 'e'].map((n) => members(model, n)), ['x@0 y@2 size 10', 'x@0 y@2 size 10', 'x@0 y@8 size 16', 'x@0 y@1 size 5', 'x@0 y@4 size 8']);
  });

  it('a pack a header leaves in force applies after its #include; bitfields under a pack are not laid out', async () => {
    const header = await cModel('#pragma pack(push, 1)\n');
    const main = await cModel('#include "pack1.h"\nstruct k { __u8 a; __u32 b; };\nstruct bits { __u32 a : 3; __u8 b; };\n');
    main.headers = [header];
    main.includeLinks = new Map([[main, new Map([['pack1.h', header]])]]);
    assert.equal(members(main, 'k'), 'a@0 b@1 size 5');
    assert.match(members(main, 'bits'), /has bitfields under #pragma pack\(1\), which this tool does not lay out/);
  });
});

describe('CLayoutEngine.isPacked', () => {
  it('is true for the attribute, a macro that expands to it, and #pragma pack(1)', async () => {
    const model = await cModel('#define __packed __attribute__((packed))\nstruct a { __u8 x; } __attribute__((packed));\nstruct b { __u8 x; __u32 y; } __packed;\n'
      + '#pragma pack(push, 1)\nstruct c { __u8 x; __u32 y; };\n#pragma pack(pop)\nstruct d { __u8 x; __u32 y; };\n');
    const engine = new CLayoutEngine(model);
    assert.deepEqual(model.records.map((r) => engine.isPacked(r)), [true, true, true, false]);
  });
});

describe('#if macro expansion', () => {
  const macros = (defs: [string, string][]) => new Map<string, Macro>(defs.map(([n, v]) => [n, { value: v }]));

  it('follows object-like macros however deep they nest (a chain of 20 was cut at 16 and read as 0)', () => {
    const chain: [string, string][] = [['V0', '1']];
    for (let i = 1; i <= 20; i++) chain.push([`V${i}`, `V${i - 1}`]);
    assert.deepEqual(evalCondition('V20', macros(chain)), { value: true, assumed: [] });
    assert.deepEqual(evalCondition('V20 == 2', macros(chain)), { value: false, assumed: [] });
  });

  it('a macro naming itself, directly or through another, is not expanded again: it reads as 0', () => {
    assert.deepEqual(evalCondition('FOO', macros([['FOO', 'FOO']])), { value: false, assumed: ['FOO'] });
    assert.deepEqual(evalCondition('A + 1 == 1', macros([['A', 'B'], ['B', 'A']])), { value: true, assumed: ['A'] });
  });

  it('an expansion that grows at each level is undecidable at once, not a hang', () => {
    const fan: [string, string][] = [['F0', '1']];
    for (let i = 1; i <= 16; i++) fan.push([`F${i}`, `(F${i - 1}+F${i - 1}+F${i - 1}+F${i - 1})`]);
    const t0 = Date.now();
    const r = evalCondition('F16 > 0', macros(fan));
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
    assert.equal(r.value, 'unknown');
    assert.match(r.reason ?? '', /expand further than this tool follows/);
    assert.deepEqual(evalCondition('F4 == 256', macros(fan)), { value: true, assumed: [] }); // 256 terms: followed
  });
});
