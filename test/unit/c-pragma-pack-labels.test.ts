import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Btf } from '../../core/btf/btf-reader';
import { ElfFile } from '../../core/elf/elf-reader';
import { CLayoutEngine } from '../../core/layout/c-layout';
import { cModel } from '../support/c-model';

/**
 * `#pragma pack` with a label, as GCC and clang take it: `push, label[, n]` saves the value in force under the label
 * (then sets n), `pop, label` pops back to the entry the label names (every entry above it too), and a label that
 * names no entry pops nothing. Each struct below sits under one form; the answer is clang's BTF for the same source.
 */
const SOURCE = `typedef unsigned char __u8;
typedef unsigned int __u32;
typedef unsigned long long __u64;
struct before { __u8 a; __u64 b; };
#pragma pack(push, outer, 2)
struct push_label_n { __u8 a; __u64 b; };
#pragma pack(push, inner)
struct push_label { __u8 a; __u64 b; };
#pragma pack(4)
struct set_inside { __u8 a; __u64 b; };
#pragma pack(push, 1)
struct push_unlabelled { __u8 a; __u32 b; };
#pragma pack(pop, inner)
struct pop_label_two_deep { __u8 a; __u64 b; };
#pragma pack(pop, nosuch)
struct pop_missing_label { __u8 a; __u64 b; };
#pragma pack(pop, outer)
struct pop_label_outermost { __u8 a; __u64 b; };
#pragma pack(push, again, 1)
#pragma pack(push, 2)
#pragma pack(pop, again)
struct pop_label_over_unlabelled { __u8 a; __u32 b; };
#pragma pack(push, last, 1)
#pragma pack(pop, last, 2)
struct pop_label_n { __u8 a; __u64 b; };
#pragma pack()
struct after { __u8 a; __u64 b; };
`;
const NAMES = [...SOURCE.matchAll(/^struct (\w+) \{/gm)].map((m) => m[1]);

describe('#pragma pack with labels: equal to clang\'s BTF', () => {
  it('push, label, n / push, label / pop, label (over several entries, a missing label) / pop, label, n', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-pack-labels-'));
    try {
      writeFileSync(path.join(dir, 'pack.c'), `${SOURCE}${NAMES.map((n) => `struct ${n} v_${n};`).join('\n')}\n`);
      execFileSync('clang', ['-g', '-O0', '-target', 'bpf', '-c', path.join(dir, 'pack.c'), '-o', path.join(dir, 'pack.o')]);
      const elf = new ElfFile(readFileSync(path.join(dir, 'pack.o')));
      const btf = new Btf(elf.data(elf.section('.BTF')!));
      const theirs = new Map(btf.types.filter((t) => t.kind === 'STRUCT').map((t) => [t.name, `${t.members!.map((m) => `${m.name}@${m.bitOffset / 8}`).join(' ')} size ${t.sizeOrType}`]));
      const model = await cModel(SOURCE);
      const engine = new CLayoutEngine(model);
      const mine = new Map(NAMES.map((n) => {
        const out = engine.structLayout(engine.findRecord('struct', n)!);
        return [n, out.ok ? `${out.value.fields.map((f) => `${f.name}@${f.offset}`).join(' ')} size ${out.value.size}` : `not laid out: ${out.reason}`];
      }));
      assert.deepEqual(mine, new Map(NAMES.map((n) => [n, theirs.get(n)])));
      // the forms must change something, or the comparison says nothing: several distinct layouts occur
      assert.ok(new Set(mine.values()).size >= 4, JSON.stringify([...mine]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
