import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';
import type { CFileModel } from '../../core/source/c-model';
import { HeaderStructUses } from '../../server/header-struct-uses';

const map = (role: 'key' | 'value', type: string, name: string) =>
  `struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(${role}, ${type});\n\t__type(${role === 'key' ? 'value' : 'key'}, __u64);\n} ${name} SEC(".maps");\n`;

describe('HeaderStructUses: the includers\' uses of a header\'s structs', () => {
  let dir: string;
  const analyzer = new SourceAnalyzer();
  const analyze = async (file: string, text: string) => (await analyzer.analyze('c', text, { file })).cModel;
  let open: CFileModel[] = [];
  let uses: HeaderStructUses;
  const summary = async (sameIncluders = false) =>
    (await uses.of(path.join(dir, 'ev.h'), sameIncluders)).map((u) => `${path.basename(u.file)}: ${u.name}, ${u.why}`).sort();

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-header-uses-'));
    writeFileSync(path.join(dir, 'ev.h'), 'struct k {\n\t__u8 a;\n\t__u32 b;\n};\nstruct unused {\n\t__u32 x;\n};\n');
    writeFileSync(path.join(dir, 'closed.bpf.c'), `#include "ev.h"\n${map('key', 'struct k', 'on_disk')}`);
    // another directory's ev.h, whose struct k is used too: not the first header's
    mkdirSync(path.join(dir, 'other'));
    writeFileSync(path.join(dir, 'other', 'ev.h'), 'struct k {\n\t__u64 z;\n};\n');
    writeFileSync(path.join(dir, 'other', 'elsewhere.bpf.c'), `#include "ev.h"\n${map('key', 'struct k', 'theirs')}`);
    const openFile = path.join(dir, 'open.bpf.c');
    writeFileSync(openFile, '#include "ev.h"\n'); // on disk it uses nothing: its open text is what counts
    open = [(await analyze(openFile, `#include "ev.h"\n${map('value', 'struct k', 'edited')}`))!];
    uses = new HeaderStructUses({ roots: () => [dir], openModels: () => open, analyze, maxChars: 100_000 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the open documents\' and the closed includers\' uses of this header\'s structs, not another ev.h\'s', async () => {
    assert.deepEqual(await summary(), [
      "closed.bpf.c: struct k, key of map 'on_disk' (BPF_MAP_TYPE_HASH)",
      "open.bpf.c: struct k, value of map 'edited' (BPF_MAP_TYPE_HASH)",
    ]);
    const layout = (await uses.of(path.join(dir, 'ev.h')))[0].layout!;
    assert.deepEqual([layout.size, layout.holes.map((h) => [h.offset, h.size])], [8, [[1, 3]]]);
  });

  it('reads a closed includer again once it changed on disk', async () => {
    const file = path.join(dir, 'closed.bpf.c');
    writeFileSync(file, `#include "ev.h"\n${map('value', 'struct k', 'on_disk_now')}`);
    utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a newer mtime even on a coarse clock
    assert.deepEqual(await summary(), [
      "closed.bpf.c: struct k, value of map 'on_disk_now' (BPF_MAP_TYPE_HASH)",
      "open.bpf.c: struct k, value of map 'edited' (BPF_MAP_TYPE_HASH)",
    ]);
  });

  it('an open includer\'s edit reuses the includers last found; the header\'s own look finds a new one', async () => {
    writeFileSync(path.join(dir, 'new.bpf.c'), `#include "ev.h"\n${map('key', 'struct k', 'added')}`);
    assert.deepEqual((await summary(true)).map((s) => s.split(':')[0]), ['closed.bpf.c', 'open.bpf.c']);
    assert.deepEqual((await summary()).map((s) => s.split(':')[0]), ['closed.bpf.c', 'new.bpf.c', 'open.bpf.c']);
  });
});
