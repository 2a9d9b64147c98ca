/**
 * A header saved before any of its includers was built verifies the workspace's sources that #include it. Each
 * save of it must not read every workspace source again: a source's include names are kept while its mtime and size
 * stay the same, read again when they change, and forgotten when the source goes. A header read through other headers
 * counts too (bounded, once each through an include cycle).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VerifyOnSave } from '../../server/verify-on-save';
import { INCLUDER_MAX_DEPTH } from '../../server/verify-on-save-includers';

describe('verify on save: the sources a saved header is included by', () => {
  let ws: string;
  let vos: VerifyOnSave;
  const program = (include: string) => `#include <linux/bpf.h>\n${include}\nSEC("xdp") int p(struct xdp_md *c) { return 2; }\n`;
  before(() => {
    ws = mkdtempSync(path.join(os.tmpdir(), 'ebpf-vos-includers-'));
    mkdirSync(path.join(ws, 'src'));
    vos = new VerifyOnSave({ publish: () => undefined, show: () => undefined, log: () => undefined, status: () => undefined });
    vos.workspaceRoots = [ws];
  });
  after(async () => {
    await vos.close();
    rmSync(ws, { recursive: true, force: true });
  });

  it('finds includers, sees a changed or removed source, and does not read an unchanged one again', () => {
    const header = path.join(ws, 'flow.h');
    const a = path.join(ws, 'src', 'a.bpf.c');
    const b = path.join(ws, 'src', 'b.bpf.c');
    writeFileSync(header, '#define FLOW 1\n');
    writeFileSync(a, program('#include "../flow.h"'));
    const stamp = new Date('2026-01-01T00:00:00Z'); // whole seconds: the mtime can be set back exactly
    utimesSync(a, stamp, stamp);
    writeFileSync(b, program('#include "other.h"'));
    assert.deepEqual(vos.sourcesFor(header), [a]);

    writeFileSync(b, program('#  include <flow.h>'));
    assert.deepEqual(vos.sourcesFor(header).sort(), [a, b], 'a source that now includes the header (its mtime changed) is read again');

    // the same size and mtime as the text that was read: the index keeps what it read then
    const size = statSync(a).size;
    writeFileSync(a, program('#include "../fl0w.h"'));
    utimesSync(a, stamp, stamp);
    assert.equal(statSync(a).size, size);
    assert.deepEqual(vos.sourcesFor(header).sort(), [a, b], 'an unchanged source (same mtime and size) is not read on every save of the header');

    rmSync(b);
    assert.deepEqual(vos.sourcesFor(header), [a], 'a removed source is no longer an includer');
    assert.deepEqual(vos.sourcesFor(path.join(ws, 'nothing-includes-me.h')), []);
  });

  it('finds a source that reads the header through another header, each once through an include cycle', () => {
    const nested = path.join(ws, 'nested');
    mkdirSync(nested);
    const common = path.join(nested, 'common.h');
    const c = path.join(nested, 'c.bpf.c');
    writeFileSync(common, '#define COMMON 1\n');
    writeFileSync(path.join(nested, 'ev.h'), '#pragma once\n#include "common.h"\n');
    writeFileSync(c, program('#include "ev.h"'));
    // a source in another directory whose `#include "ev.h"` is the ev.h beside it, which does not include common.h
    const d = path.join(ws, 'src', 'd.bpf.c');
    writeFileSync(path.join(ws, 'src', 'ev.h'), '#define OTHER_EV 1\n');
    writeFileSync(d, program('#include "ev.h"'));
    assert.deepEqual(vos.sourcesFor(common), [c], "common.h through nested/ev.h; src/d.bpf.c's ev.h is src/ev.h, which does not include it");

    // a.h includes b.h includes a.h: the walk ends, and the source that includes a.h is named once for either
    writeFileSync(path.join(nested, 'a.h'), '#pragma once\n#include "b.h"\n');
    writeFileSync(path.join(nested, 'b.h'), '#pragma once\n#include "a.h"\n#include "ev.h"\n');
    const e = path.join(nested, 'e.bpf.c');
    writeFileSync(e, program('#include "a.h"\n#include "b.h"'));
    assert.deepEqual(vos.sourcesFor(path.join(nested, 'b.h')), [e]);
    assert.deepEqual(vos.sourcesFor(path.join(nested, 'a.h')), [e]);
    assert.deepEqual(vos.sourcesFor(common).sort(), [c, e].sort(), 'three headers deep, through the cycle');
  });

  it("resolves an include not beside its source through the -I directories of the source's compile_commands.json entry", () => {
    const unit = path.join(ws, 'unit');
    for (const d of ['src', 'inc', 'elsewhere']) mkdirSync(path.join(unit, d), { recursive: true });
    const source = path.join(unit, 'src', 'u.bpf.c');
    writeFileSync(source, program('#include "keys.h"'));
    writeFileSync(path.join(unit, 'inc', 'keys.h'), '#define KEYS 1\n');
    writeFileSync(path.join(unit, 'elsewhere', 'keys.h'), '#define OTHER_KEYS 1\n');
    assert.deepEqual(vos.sourcesFor(path.join(unit, 'elsewhere', 'keys.h')), [source], 'no database: any keys.h may be the one');
    writeFileSync(path.join(unit, 'compile_commands.json'), JSON.stringify([{ directory: unit, file: 'src/u.bpf.c', arguments: ['clang', '-Iinc', '-c', 'src/u.bpf.c'] }]));
    assert.deepEqual(vos.sourcesFor(path.join(unit, 'inc', 'keys.h')), [source]);
    assert.deepEqual(vos.sourcesFor(path.join(unit, 'elsewhere', 'keys.h')), [], "the build's -I says which keys.h it is");
  });

  it('follows at most INCLUDER_MAX_DEPTH headers', () => {
    const deep = path.join(ws, 'deep');
    mkdirSync(deep);
    // h0.h is included by h1.h, ..., by h<n>.h, which the source includes: n + 1 includes from the source to h0.h,
    // at most INCLUDER_MAX_DEPTH of them followed
    const chain = (n: number) => {
      for (let i = 1; i <= n; i++) writeFileSync(path.join(deep, `h${i}.h`), `#include "h${i - 1}.h"\n`);
      writeFileSync(path.join(deep, 'top.bpf.c'), program(`#include "h${n}.h"`));
    };
    writeFileSync(path.join(deep, 'h0.h'), '#define DEEP 1\n');
    chain(INCLUDER_MAX_DEPTH - 1);
    assert.deepEqual(vos.sourcesFor(path.join(deep, 'h0.h')), [path.join(deep, 'top.bpf.c')]);
    chain(INCLUDER_MAX_DEPTH);
    assert.deepEqual(vos.sourcesFor(path.join(deep, 'h0.h')), [], 'one level deeper than the limit');
  });
});
