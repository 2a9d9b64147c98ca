import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Btf } from '../../core/btf/btf-reader';
import { ElfFile } from '../../core/elf/elf-reader';
import { CLayoutEngine } from '../../core/layout/c-layout';
import { cModel } from '../support/c-model';
import { PREDEFINED, randomCStructs } from '../property/random-c-structs';

const COUNT = Number(process.env.LAYOUT_PROPERTY_COUNT ?? 1000);

describe('C layout engine vs clang for the BPF target (property test)', () => {
  it(`${COUNT} random structs and unions: every size, offset and bitfield offset matches clang's BTF`, { timeout: 300_000 }, async () => {
    const { source, names } = randomCStructs(COUNT, 20261125);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-layout-prop-'));
    writeFileSync(path.join(dir, 'structs.c'), source);
    execFileSync('clang', ['-g', '-O0', '-target', 'bpf', '-c', path.join(dir, 'structs.c'), '-o', path.join(dir, 'structs.o')]);
    const elf = new ElfFile(readFileSync(path.join(dir, 'structs.o')));
    const btf = new Btf(elf.data(elf.section('.BTF')!));
    const byName = new Map(btf.types.filter((t) => t.kind === 'STRUCT' || t.kind === 'UNION').map((t) => [t.name, t]));
    const model = await cModel(source);
    const engine = new CLayoutEngine(model);
    let fields = 0;
    const kinds = { enums: 0, anonymous: 0, flexible: 0 };
    for (const name of names) {
      const rec = model.records.find((x) => x.name === name)!;
      const mine = engine.structLayout(rec);
      assert.ok(mine.ok, `${name}: ${mine.ok ? '' : mine.reason}`);
      const theirs = byName.get(name)!;
      assert.equal(mine.value.size, theirs.sizeOrType, `size of ${name}: ${source.split('\n').find((l) => l.includes(` ${name} {`))}`);
      const want = theirs.members!.map((m) => (m.bitSize ? `${m.name}@bit${m.bitOffset}:${m.bitSize}` : `${m.name || '(anonymous)'}@${m.bitOffset / 8}`));
      const got = mine.value.fields.map((f) => (f.bitSize !== undefined ? `${f.name}@bit${f.bitOffset}:${f.bitSize}` : `${f.name}@${f.offset}`));
      assert.deepEqual(got, want, `fields of ${name}: ${source.split('\n').find((l) => l.includes(` ${name} {`))}`);
      fields += want.length;
      for (const f of mine.value.fields) {
        if (f.type.startsWith('enum ')) kinds.enums++;
        if (f.name === '(anonymous)') kinds.anonymous++;
        if (f.name === 'flex') kinds.flexible++;
      }
    }
    // the generator's rarer shapes must really occur, or the test says less than it claims
    const unnamedBitfields = source.match(/(?:int|long|__u\d+) : \d+;/g)?.length ?? 0;
    assert.ok(kinds.enums > 50 && kinds.anonymous > 50 && kinds.flexible > 20 && unnamedBitfields > 20, JSON.stringify({ ...kinds, unnamedBitfields }));
    console.log(`layout property: ${names.length} records, ${fields} fields (${JSON.stringify({ ...kinds, unnamedBitfields })}), all equal to clang's BTF`);
  });

  it(`${COUNT} random structs with #if/#ifdef/#elif/#else in their bodies, -D, combined attributes, #pragma pack and multi-word types: equal to clang's BTF`, { timeout: 300_000 }, async () => {
    const { source, names } = randomCStructs(COUNT, 20261201, { preprocessor: true, attributes: true, spellings: true, pragmaPack: true });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-layout-prop-pp-'));
    writeFileSync(path.join(dir, 'structs.c'), source);
    execFileSync('clang', ['-g', '-O0', '-target', 'bpf', ...PREDEFINED.map(([n, v]) => `-D${n}=${v}`), '-c', path.join(dir, 'structs.c'), '-o', path.join(dir, 'structs.o')]);
    const elf = new ElfFile(readFileSync(path.join(dir, 'structs.o')));
    const btf = new Btf(elf.data(elf.section('.BTF')!));
    const byName = new Map(btf.types.filter((t) => t.kind === 'STRUCT' || t.kind === 'UNION').map((t) => [t.name, t]));
    const model = await cModel(source);
    model.predefined = new Map(PREDEFINED);
    const engine = new CLayoutEngine(model);
    const stats = { records: 0, fields: 0, conditionalKept: 0, conditionalDropped: 0, packedAligned: 0, pragmaPacked: 0 };
    const pragmaRegions = [...source.matchAll(/#pragma pack\((?:push, )?\d\)\n([\s\S]*?)#pragma pack\((?:pop)?\)/g)].map((m) => m[1]);
    for (const name of names) {
      const rec = model.records.find((x) => x.name === name)!;
      const mine = engine.structLayout(rec);
      const line = () => source.slice(source.indexOf(` ${name} {`) - 6, source.indexOf(` v_${name};`));
      assert.ok(mine.ok, `${name}: ${mine.ok ? '' : mine.reason}
${line()}`);
      const theirs = byName.get(name)!;
      assert.equal(mine.value.size, theirs.sizeOrType, `size of ${name}:
${line()}`);
      const want = theirs.members!.map((m) => (m.bitSize ? `${m.name}@bit${m.bitOffset}:${m.bitSize}` : `${m.name || '(anonymous)'}@${m.bitOffset / 8}`));
      const got = mine.value.fields.map((f) => (f.bitSize !== undefined ? `${f.name}@bit${f.bitOffset}:${f.bitSize}` : `${f.name}@${f.offset}`));
      assert.deepEqual(got, want, `fields of ${name}:
${line()}`);
      stats.records++;
      stats.fields += want.length;
      const conditional = rec.fields.filter((f) => f.name && /^f\d+_\d+$/.test(f.name));
      const kept = conditional.filter((f) => want.some((w) => w.startsWith(`${f.name}@`))).length;
      stats.conditionalKept += kept;
      stats.conditionalDropped += conditional.length - kept;
      if (rec.packed && rec.alignAttr) stats.packedAligned++;
      if (pragmaRegions.some((r) => r.includes(` ${name} {`))) stats.pragmaPacked++;
    }
    // the shapes must really occur: members both kept and dropped by conditions, packed structs with an alignment
    assert.ok(stats.conditionalKept > COUNT / 10 && stats.conditionalDropped > COUNT / 10 && stats.packedAligned > COUNT / 50
      && stats.pragmaPacked > COUNT / 20, JSON.stringify(stats));
    console.log(`layout property (preprocessor, attributes, spellings): ${JSON.stringify(stats)}, all equal to clang's BTF`);
  });
});
