import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';
import { Btf } from '../../core/btf/btf-reader';
import { ElfFile } from '../../core/elf/elf-reader';
import { applyEdits } from '../../core/fixes/text-edit';
import { CLayoutEngine } from '../../core/layout/c-layout';
import type { SourceLanguage } from '../../core/source/tree-sitter';

const hashMap = (key: string) => `struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, ${key});\n\t__type(value, __u64);\n} m SEC(".maps");\n`;
const GO_HEAD = 'package main\n\nimport (\n\t"bytes"\n\t"encoding/binary"\n\n\t"github.com/cilium/ebpf/ringbuf"\n)\n\n';
// binary.Read counts only on bytes from the kernel: a ring buffer record's
const goRead = (t: string) => `\nfunc read(rd *ringbuf.Reader) {\n\trec, _ := rd.Read()\n\tvar v ${t}\n\t_ = binary.Read(bytes.NewReader(rec.RawSample), binary.LittleEndian, &v)\n}\n`;

interface Case {
  name: string;
  lang: SourceLanguage;
  /** C sources the analyzer learns first (go-c-mismatch pairing). */
  learnC?: string;
  src: string;
  rule: string;
  title: RegExp;
  preferred: boolean;
  want: string;
  /** After the fix, the rule no longer fires. */
  resolves: boolean;
}

const CASES: Case[] = [
  {
    name: 'C key: explicit padding after each member that leaves a gap, below its trailing comment, before a comment above the next',
    lang: 'c', rule: 'c-map-key-padding', title: /^Insert explicit padding \(__pad0\[3\], __pad1\[6\]\)$/, preferred: true, resolves: true,
    src: `struct flow_key {\n\t__u8 proto; // protocol\n\t/* the address */\n\t__u32 addr;\n\t__u16 port;\n\t__u64 ifindex;\n};\n${hashMap('struct flow_key')}`,
    want: `struct flow_key {\n\t__u8 proto; // protocol\n\t__u8 __pad0[3];\n\t/* the address */\n\t__u32 addr;\n\t__u16 port;\n\t__u8 __pad1[6];\n\t__u64 ifindex;\n};\n${hashMap('struct flow_key')}`,
  },
  {
    name: 'C key: reorder by alignment moves each declaration with its comments',
    lang: 'c', rule: 'c-map-key-padding', title: /^Reorder fields by alignment \(size 24 → 16, 1 byte of padding\)$/, preferred: false, resolves: false,
    src: `struct flow_key {\n\t__u8 proto; // protocol\n\t/* the address */\n\t__u32 addr;\n\t__u16 port;\n\t__u64 ifindex;\n};\n${hashMap('struct flow_key')}`,
    want: `struct flow_key {\n\t__u64 ifindex;\n\t/* the address */\n\t__u32 addr;\n\t__u16 port;\n\t__u8 proto; // protocol\n};\n${hashMap('struct flow_key')}`,
  },
  {
    name: 'C key on one line: the padding member stays on the line; a taken __pad0 is skipped',
    lang: 'c', rule: 'c-map-key-padding', title: /^Insert explicit padding \(__pad1\[2\]\)$/, preferred: true, resolves: true,
    src: `struct k { __u8 __pad0; __u8 a; __u32 b; };\n${hashMap('struct k')}`,
    want: `struct k { __u8 __pad0; __u8 a; __u8 __pad1[2]; __u32 b; };\n${hashMap('struct k')}`,
  },
  {
    name: 'C key: reorder a typedef\'d key with multi-declarator members to no padding',
    lang: 'c', rule: 'c-map-key-padding', title: /^Reorder fields by alignment \(size 24 → 16, no padding\)$/, preferred: false, resolves: true,
    src: `typedef struct {\n\t__u16 a, b;\n\t__u64 c;\n\t__u16 d, e;\n} key_t;\n${hashMap('key_t')}`,
    want: `typedef struct {\n\t__u64 c;\n\t__u16 a, b;\n\t__u16 d, e;\n} key_t;\n${hashMap('key_t')}`,
  },
  {
    name: 'C key with bitfields: padding starts at the byte after the bits; an unnamed bitfield does not shift the members',
    lang: 'c', rule: 'c-map-key-padding', title: /^Insert explicit padding \(__pad0\[2\], __pad1\[6\]\)$/, preferred: true, resolves: true,
    src: `struct bk {\n\t__u8 kind : 3;\n\t__u8 : 0;\n\t__u8 flags : 4;\n\t__u32 addr;\n\t__u16 port;\n\t__u64 ts;\n};\n${hashMap('struct bk')}`,
    want: `struct bk {\n\t__u8 kind : 3;\n\t__u8 : 0;\n\t__u8 flags : 4;\n\t__u8 __pad0[2];\n\t__u32 addr;\n\t__u16 port;\n\t__u8 __pad1[6];\n\t__u64 ts;\n};\n${hashMap('struct bk')}`,
  },
  {
    name: 'C ring buffer event: trailing padding made explicit',
    lang: 'c', rule: 'c-map-value-padding', title: /^Insert explicit padding \(__pad0\[4\]\)$/, preferred: true, resolves: true,
    src: 'struct event {\n\t__u64 ts;\n\t__u32 pid;\n};\nint f(void *ctx) {\n\tstruct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);\n\treturn 0;\n}\n',
    want: 'struct event {\n\t__u64 ts;\n\t__u32 pid;\n\t__u8 __pad0[4];\n};\nint f(void *ctx) {\n\tstruct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);\n\treturn 0;\n}\n',
  },
  {
    name: 'Go: implicit padding becomes `_ [4]byte`, after the trailing comment',
    lang: 'go', rule: 'go-implicit-padding', title: /^Insert explicit padding \(_ \[4\]byte at offset 4\)$/, preferred: true, resolves: true,
    src: `${GO_HEAD}type Value struct {\n\tPid uint32 // pid\n\tTs  uint64\n}\n${goRead('Value')}`,
    want: `${GO_HEAD}type Value struct {\n\tPid uint32 // pid\n\t_ [4]byte\n\tTs  uint64\n}\n${goRead('Value')}`,
  },
  {
    name: 'Go: a struct that mirrors no C struct can be reordered',
    lang: 'go', rule: 'go-implicit-padding', title: /^Reorder fields by alignment \(size 24 → 16, encoding\/binary size 10\)$/, preferred: false, resolves: false,
    src: `${GO_HEAD}type Rec struct {\n\tA uint8\n\tB uint64\n\tC uint8\n}\n${goRead('Rec')}`,
    want: `${GO_HEAD}type Rec struct {\n\tB uint64\n\tA uint8\n\tC uint8\n}\n${goRead('Rec')}`,
  },
  {
    name: 'Go: structs.HostLayout joins the import group',
    lang: 'go', rule: 'go-implicit-padding', title: /^Add structs\.HostLayout to Value \(Go 1\.23\+\)$/, preferred: false, resolves: false,
    src: `${GO_HEAD}type Value struct {\n\tPid uint32\n\tTs  uint64\n}\n${goRead('Value')}`,
    want: `${GO_HEAD.replace('import (', 'import (\n\t"structs"')}type Value struct {\n\t_ structs.HostLayout\n\tPid uint32\n\tTs  uint64\n}\n${goRead('Value')}`,
  },
  {
    name: 'Go: structs.HostLayout after a single import, into a one-line struct',
    lang: 'go', rule: 'go-implicit-padding', title: /^Add structs\.HostLayout/, preferred: false, resolves: false,
    src: 'package main\n\nimport "encoding/binary"\n\n// ebpf:struct value\ntype Value struct{ Pid uint32; Ts uint64 }\n\nvar _ = binary.Size(Value{})\n',
    want: 'package main\n\nimport "encoding/binary"\nimport "structs"\n\n// ebpf:struct value\ntype Value struct{ _ structs.HostLayout; Pid uint32; Ts uint64 }\n\nvar _ = binary.Size(Value{})\n',
  },
  {
    name: 'Go: int becomes int64 when no C struct says otherwise',
    lang: 'go', rule: 'go-not-fixed-size', title: /^Change N to int64$/, preferred: true, resolves: true,
    src: `${GO_HEAD}type Rec struct {\n\tN int\n}\n${goRead('Rec')}`,
    want: `${GO_HEAD}type Rec struct {\n\tN int64\n}\n${goRead('Rec')}`,
  },
  {
    name: 'Go: int becomes int32 when the paired C field is 4 bytes (array element width)',
    lang: 'go', rule: 'go-not-fixed-size', title: /^Change Cpus to \[4\]int32 \(the C field is 4 bytes\)$/, preferred: true, resolves: true,
    learnC: 'struct stats { __s32 cpus[4]; __u64 total; };',
    src: `${GO_HEAD}// ebpf:struct stats\ntype Stats struct {\n\tCpus  [4]int\n\tTotal uint64\n}\n`,
    want: `${GO_HEAD}// ebpf:struct stats\ntype Stats struct {\n\tCpus  [4]int32\n\tTotal uint64\n}\n`,
  },
];

async function fixesOf(c: Case) {
  const analyzer = new SourceAnalyzer();
  if (c.learnC) await analyzer.learnC(c.learnC);
  const a = await analyzer.analyze(c.lang, c.src);
  return { analyzer, findings: a.findings.filter((f) => f.rule === c.rule) };
}

describe('quick fixes (table)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { analyzer, findings } = await fixesOf(c);
      assert.ok(findings.length > 0, `${c.rule} does not fire on the case's source`);
      const fixes = findings.flatMap((f) => f.fixes?.() ?? []);
      const fix = fixes.find((f) => c.title.test(f.title));
      assert.ok(fix, `no fix titled ${c.title}; offered: ${fixes.map((f) => f.title).join(' | ')}`);
      assert.equal(fix.preferred ?? false, c.preferred);
      const fixed = applyEdits(c.src, fix.edits);
      assert.equal(fixed, c.want);
      const again = await analyzer.analyze(c.lang, fixed);
      assert.equal(again.findings.some((f) => f.rule === c.rule), !c.resolves, `${c.rule} after the fix`);
    });
  }

  it('offers no padding member or reorder where they cannot help: unions, a gap inside one bitfield declaration', async () => {
    for (const key of ['union u { __u8 a; __u32 b; }', 'struct bf { __u32 a : 3, b : 30; __u32 c; }']) {
      const name = key.split(' {')[0];
      const { findings } = await fixesOf({ ...CASES[0], src: `${key};\n${hashMap(name)}` });
      assert.deepEqual(findings.flatMap((f) => f.fixes?.() ?? []), [], key);
    }
  });

  it('clang agrees: every fixed C case compiles for the BPF target with the layout we compute and the size a reorder promises', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-fixes-'));
    const prelude = 'typedef unsigned char __u8; typedef unsigned short __u16; typedef unsigned int __u32; typedef unsigned long long __u64;\n'
      + '#define SEC(s) __attribute__((section(s), used))\n#define __uint(n, v) int (*n)[v]\n#define __type(n, v) typeof(v) *n\n'
      + 'enum { BPF_MAP_TYPE_HASH = 1 };\nvoid *bpf_ringbuf_reserve(void *, __u64, __u64);\nchar rb;\n';
    for (const [i, c] of CASES.entries()) {
      if (c.lang !== 'c') continue;
      // a global of the fixed struct's type puts it in the BTF (a local's type would not be)
      const type = /} (\w+);\n/.exec(c.want)?.[1] ?? `struct ${/struct (\w+) \{/.exec(c.want)![1]}`;
      const file = path.join(dir, `case${i}.c`);
      writeFileSync(file, `${prelude}${c.want}\n${type} fixed_case;\n`);
      execFileSync('clang', ['-g', '-O0', '-target', 'bpf', '-c', file, '-o', `${file}.o`], { stdio: 'pipe' });
      const elf = new ElfFile(readFileSync(`${file}.o`));
      const btf = new Btf(elf.data(elf.section('.BTF')!));
      let t = btf.type(btf.types.find((x) => x.kind === 'VAR' && x.name === 'fixed_case')!.sizeOrType)!;
      while (t.kind === 'TYPEDEF') t = btf.type(t.sizeOrType)!;
      const ours = (await new SourceAnalyzer().analyze('c', c.want));
      const rec = ours.cModel!.records.find((r) => type === `struct ${r.name}` || r.typedefName === type)!;
      const mine = new CLayoutEngine(ours.cModel!).structLayout(rec);
      assert.ok(mine.ok);
      assert.equal(t.sizeOrType, mine.value.size, `case ${i}: size`);
      assert.deepEqual(t.members!.map((m) => `${m.name}@bit${m.bitOffset}`), mine.value.fields.map((f) => `${f.name}@bit${f.bitOffset ?? f.offset * 8}`), `case ${i}: offsets`);
      const promised = /size \d+ → (\d+)/.exec(c.title.source)?.[1];
      if (promised) assert.equal(t.sizeOrType, Number(promised), `case ${i}: the size the reorder's title promises`);
    }
  });

  it('gofmt accepts every fixed Go case', () => {
    for (const c of CASES.filter((x) => x.lang === 'go')) {
      const r = spawnSync('gofmt', ['-e'], { input: c.want, encoding: 'utf8' });
      assert.equal(r.status, 0, `${c.name}: ${r.stderr}`);
    }
  });
});
