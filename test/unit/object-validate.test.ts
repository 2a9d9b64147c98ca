/**
 * The checks the helper runs on an object's bytes before libbpf: every object clang builds from this repository's
 * sources passes; each kind of crafted corruption that crashed libbpf 1.1 in the helper fuzz is refused with a
 * message naming it; and the map-memory estimate follows the kernel's allocation for the common map types.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Btf } from '../../core/btf/btf-reader';
import { mapBytes } from '../../core/btf/map-memory';
import { ElfFile } from '../../core/elf/elf-reader';
import { ObjectRefusal, checkObjectBytes } from '../../core/loader/object-check';
import { EXAMPLES, REPO } from '../support/paths';

const build = (src: string, dir: string, extra: string[] = []) => {
  const out = path.join(dir, `${path.basename(src)}.o`);
  execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-I/usr/include/x86_64-linux-gnu', '-I', path.dirname(src), ...extra, '-c', src, '-o', out]);
  return readFileSync(out);
};

/** The byte offset in the object of the first BTF type of `kind`. */
function btfTypeOffset(obj: Buffer, kind: string): number {
  const sec = new ElfFile(obj).section('.BTF')!;
  const btf = new Btf(obj.subarray(sec.offset, sec.offset + sec.size));
  return sec.offset + btf.typeOffsets[btf.types.findIndex((t) => t.kind === kind)];
}
const header = (obj: Buffer, name: string) => Number(obj.readBigUInt64LE(40)) + new ElfFile(obj).section(name)!.index * 64;

describe('object checks before libbpf', () => {
  let dir: string;
  let countOk: Buffer;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-objcheck-'));
    countOk = build(path.join(EXAMPLES, 'count_ok.bpf.c'), dir);
  });

  it('objects clang builds from the examples and test programs pass, with their maps estimated', () => {
    const sources = [...['count_ok', 'null_deref', 'subprog_reject', 'packet_bounds', 'padded_key'].map((n) => path.join(EXAMPLES, `${n}.bpf.c`)),
      ...['multi_prog', 'global_func', 'core_poison', 'unreleased_ref', 'cap_dependent'].map((n) => path.join(REPO, 'test', 'programs', `${n}.bpf.c`)),
      path.join(REPO, 'test', 'corpus', 'libbpf-bootstrap', 'bootstrap.bpf.c')];
    for (const src of sources) {
      const c = checkObjectBytes(src, build(src, dir), 4);
      assert.ok(c.elf.sections.length > 3, src);
    }
    const c = checkObjectBytes('count_ok', countOk, 4);
    assert.deepEqual(c.maps, [{ name: 'packet_count', type: 1, bytes: 64 * 16 + 64 * (48 + 8 + 8) }], 'hash, 64 entries: buckets + preallocated elements');
  });

  const refusals: [string, (b: Buffer) => void, RegExp][] = [
    ['a relocation naming a symbol that does not exist', (b) => b.writeUInt32LE(515, new ElfFile(b).section('.relxdp')!.offset + 12), /names symbol 515, which does not exist/],
    ['a relocation type BPF does not define', (b) => b.writeUInt32LE(131075, new ElfFile(b).section('.relxdp')!.offset + 8), /relocation type 131075/],
    ['a section linking to a section that does not exist', (b) => b.writeUInt32LE(99, header(b, '.relxdp') + 40), /links to section 99, which does not exist/],
    ['a section alignment that is not a power of two', (b) => b.writeBigUInt64LE(10n, header(b, '.strtab') + 48), /alignment of 10, not a power of two/],
    ['a section overlapping the ELF header', (b) => b.writeBigUInt64LE(8n, header(b, 'license') + 24), /overlaps the ELF header/],
    ['a symbol past the end of its section', (b) => { const s = new ElfFile(b).section('.symtab')!; b.writeBigUInt64LE(1n << 40n, s.offset + 24 * (s.size / 24 - 1) + 8); }, /runs past the end of section/],
    ['a BTF VAR of a type that does not exist', (b) => b.writeUInt32LE(0x400000, btfTypeOffset(b, 'VAR') + 8), /\(VAR\) has type 4194304, which does not exist/],
    ['a BTF struct member of a type that does not exist', (b) => b.writeUInt32LE(0xffffffff, btfTypeOffset(b, 'STRUCT') + 12 + 4), /member \w+ has type 4294967295/],
    ['a BTF type that contains itself by value', (b) => { const p = btfTypeOffset(b, 'TYPEDEF'); b.writeUInt32LE((new Btf(b.subarray(new ElfFile(b).section('.BTF')!.offset)).types.find((t) => t.kind === 'TYPEDEF')!.id), p + 8); }, /contains itself/],
    ['a BTF header that is not version 1', (b) => { b[new ElfFile(b).section('.BTF')!.offset + 2] = 2; }, /version 2, not 1/],
    ['a .BTF.ext line_info naming a section that holds no code', (b) => { const s = new ElfFile(b).section('.BTF.ext')!; b.writeUInt32LE(b.readUInt32LE(s.offset + 8) + b.readUInt32LE(s.offset + 16) + 24 + 4, s.offset + 16); }, /\.BTF\.ext/],
    ['an ld_imm64 without its second half', (b) => { const s = new ElfFile(b).section('xdp')!; b[s.offset + s.size - 8] = 0x18; }, /ld_imm64 at instruction \d+ has no second half/],
    ['an object that is not ET_REL', (b) => b.writeUInt16LE(2, 16), /is not a relocatable object/],
  ];
  for (const [what, corrupt, message] of refusals) {
    it(`refuses ${what}`, () => {
      const bad = Buffer.from(countOk);
      corrupt(bad);
      assert.throws(() => checkObjectBytes('x.o', bad, 4), (e: Error) => e instanceof ObjectRefusal && e.code === 'not-an-object' && message.test(e.message) && /x\.o/.test(e.message));
    });
  }

  it('estimates map memory the way the kernel allocates it', () => {
    const def = (type: number, keySize: number, valueSize: number, maxEntries: number, flags = 0) => ({ type, keySize, valueSize, maxEntries, flags, extra: 0 });
    assert.equal(mapBytes(def(2, 4, 64, 1 << 20), 8), 64 << 20, 'array: entries x value');
    assert.equal(mapBytes(def(6, 4, 8, 1024), 8), 1024 * 8 * 8, 'per-CPU array: times the possible CPUs');
    assert.equal(mapBytes(def(1, 4, 8, 1000), 1), 1024 * 16 + 1000 * (48 + 8 + 8), 'hash: buckets and preallocated elements');
    assert.equal(mapBytes(def(1, 4, 8, 1000, 1), 1), 1024 * 16, 'BPF_F_NO_PREALLOC hash: buckets only');
    assert.equal(mapBytes(def(27, 0, 0, 1 << 24), 1), (1 << 24) + 8192, 'ring buffer: data pages plus two');
    assert.equal(mapBytes(def(11, 8, 8, 1 << 20), 1), 0, 'LPM trie: allocated on update, which verifying never does');
  });
});
