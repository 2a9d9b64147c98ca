import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { BtfLayouts } from '../../core/btf/btf-layout';
import { Btf, BtfError } from '../../core/btf/btf-reader';
import { readBtfExt } from '../../core/btf/btf-ext-reader';
import { CLayoutEngine } from '../../core/layout/c-layout';
import { ElfError, ElfFile } from '../../core/elf/elf-reader';
import { readBpfObject } from '../../core/source-map/bpf-object';
import { ProgramSourceMap } from '../../core/source-map/insn-to-source';
import { cModel } from '../support/c-model';
import { EXAMPLES, REPO } from '../support/paths';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-readers-'));
const clang = (src: string, out: string) => execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', src, '-o', out]);
let kindsObj: Buffer;
let subprogObj: string;

before(() => {
  clang(path.join(REPO, 'test', 'programs', 'btf_kinds.c'), path.join(dir, 'kinds.o'));
  kindsObj = readFileSync(path.join(dir, 'kinds.o'));
  subprogObj = path.join(dir, 'subprog.o');
  clang(path.join(EXAMPLES, 'subprog_reject.bpf.c'), subprogObj);
});

describe('BTF reader against bpftool btf dump', () => {
  it('reads every type with the id, kind and name bpftool prints, and each member\'s offset and bitfield size', () => {
    const btf = new Btf(new ElfFile(kindsObj).data(new ElfFile(kindsObj).section('.BTF')!));
    const dump = execFileSync('bpftool', ['btf', 'dump', 'file', path.join(dir, 'kinds.o')], { encoding: 'utf8' }).split('\n');
    type Expected = { id: number; kind: string; name: string; members: string[] };
    let current: Expected | null = null;
    const expected: Expected[] = [];
    for (const line of dump) {
      const t = /^\[(\d+)\] (\w+) '([^']*)'/.exec(line);
      if (t) {
        current = { id: Number(t[1]), kind: t[2], name: t[3] === '(anon)' ? '' : t[3], members: [] };
        expected.push(current);
      } else if (current && /^\t'/.test(line)) {
        const m = /^\t'([^']*)' type_id=(\d+) bits_offset=(\d+)(?: bitfield_size=(\d+))?/.exec(line);
        if (m) current.members.push(`${m[1]}:${m[2]}@${m[3]}/${m[4] ?? 0}`);
      }
    }
    assert.ok(expected.length > 20);
    for (const e of expected) {
      const t = btf.type(e.id)!;
      assert.deepEqual([t.kind, t.name], [e.kind, e.name], `type ${e.id}`);
      if (t.members) assert.deepEqual(t.members.map((m) => `${m.name}:${m.type}@${m.bitOffset}/${m.bitSize}`), e.members, `members of ${e.id}`);
    }
    const kinds = new Set(btf.types.map((t) => t.kind));
    for (const k of ['INT', 'PTR', 'ARRAY', 'STRUCT', 'UNION', 'ENUM', 'FWD', 'TYPEDEF', 'VOLATILE', 'CONST', 'RESTRICT', 'FUNC', 'FUNC_PROTO', 'VAR', 'DATASEC', 'FLOAT', 'DECL_TAG', 'TYPE_TAG']) {
      assert.ok(kinds.has(k as never), `clang emitted a ${k}`);
    }
  });

  it('struct layouts from BTF agree with the tree-sitter C layout engine on every example struct', async () => {
    for (const f of ['padded_key.bpf.c', 'subprog_reject.bpf.c']) {
      const obj = path.join(dir, f + '.o');
      clang(path.join(EXAMPLES, f), obj);
      const fromBtf = new BtfLayouts(readBpfObject(readFileSync(obj)).btf!).all().filter((s) => !s.name.includes('(anon)'));
      const model = await cModel(readFileSync(path.join(EXAMPLES, f), 'utf8'));
      const engine = new CLayoutEngine(model);
      for (const rec of model.records.filter((r) => r.name)) {
        const mine = engine.structLayout(rec);
        assert.ok(mine.ok);
        const theirs = fromBtf.find((s) => s.name === mine.value.name);
        assert.ok(theirs, `${mine.value.name} is in the BTF`);
        assert.deepEqual(mine.value.fields.map((x) => [x.name, x.offset, x.size]), theirs.fields.map((x) => [x.name, x.offset, x.size]));
        assert.deepEqual([mine.value.size, mine.value.holes], [theirs.size, theirs.holes]);
      }
    }
  });
});

describe('BTF.ext line_info and the program layout', () => {
  // The kernel's own `@ file:line` annotations are the ground truth for line_info (test/kernel/source-map.test.ts checks
  // all of them); llvm-objdump reads DWARF, which puts function prologues on another line than BTF does.
  it('lays out the entry function, then the subprogram it calls, and maps into both', () => {
    const obj = readBpfObject(readFileSync(subprogObj));
    const map = new ProgramSourceMap(obj, 'subprog_reject');
    assert.deepEqual(map.segments.map((s) => [s.fn.name, s.loadedStart, s.fn.section.name]), [['subprog_reject', 0, 'xdp'], ['account', 17, '.text']]);
    const src = readFileSync(path.join(EXAMPLES, 'subprog_reject.bpf.c'), 'utf8').split('\n');
    const entry = map.location(0)!;
    assert.match(src[entry.line - 1], /^int subprog_reject\(/);
    const callee = map.location(17)!;
    assert.deepEqual([callee.function, src[callee.line - 1].trim().slice(0, 16), callee.column], ['account', 's->packets += 1;', 13]);
    assert.equal(map.location(17 + 7), null, 'past the end of the layout');
  });
});

describe('readers on bad input', () => {
  const cases: [string, () => Buffer][] = [
    ['an empty file', () => Buffer.alloc(0)],
    ['a text file', () => Buffer.from('this is not an ELF file at all, just text that is long enough to hold a header.........')],
    ['a truncated object', () => kindsObj.subarray(0, 200)],
    ['a 32-bit ELF', () => { const b = Buffer.from(kindsObj); b[4] = 1; return b; }],
    ['a big-endian ELF', () => { const b = Buffer.from(kindsObj); b[5] = 2; return b; }],
    ['section headers past the end', () => { const b = Buffer.from(kindsObj); b.writeBigUInt64LE(BigInt(b.length), 40); return b; }],
  ];
  for (const [what, make] of cases) {
    it(`${what}: an ElfError that says what is wrong`, () => assert.throws(() => readBpfObject(make()), (e: Error) => e instanceof ElfError && e.message.length > 10));
  }

  it('an x86 object is refused as not BPF', () => {
    const x86 = path.join(dir, 'x86.o');
    writeFileSync(path.join(dir, 'x.c'), 'int f(void) { return 1; }\n');
    execFileSync('clang', ['-c', path.join(dir, 'x.c'), '-o', x86]);
    assert.throws(() => readBpfObject(readFileSync(x86)), /not a BPF object: ELF machine 62/);
  });

  it('corrupt .BTF and .BTF.ext give BtfErrors, and the object still opens without a source map', () => {
    const elf = new ElfFile(kindsObj);
    const btfSec = elf.section('.BTF')!;
    assert.throws(() => new Btf(elf.data(btfSec).subarray(0, 30)), BtfError);
    const bad = Buffer.from(elf.data(btfSec));
    bad.writeUInt32LE(0xffffff, 12); // type_len past the end
    assert.throws(() => new Btf(bad), /points past the section/);
    const btf = new Btf(elf.data(btfSec));
    assert.throws(() => readBtfExt(Buffer.from([0x9f, 0xeb, 1, 0]), btf), BtfError);
    const broken = Buffer.from(kindsObj);
    broken.fill(0xff, btfSec.offset, btfSec.offset + 4); // bad magic
    const obj = readBpfObject(broken);
    assert.equal(obj.btf, null);
    assert.match(obj.btfProblem ?? '', /bad magic/);
  });
});
