/**
 * A header saved before any of its includers was built verifies the workspace's sources that #include it. Each
 * save of it must not read every workspace source again: a source's include names are kept while its mtime and size
 * stay the same, read again when they change, and forgotten when the source goes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VerifyOnSave } from '../../server/verify-on-save';

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
});
