/**
 * A verified fix is tried on a scratch copy of the source in a private temporary directory. Its relative includes
 * must still find the source's own headers: never a header of the same relative name that someone else put in the
 * shared temporary directory (`#include "../flow.h"` from /tmp/ebpf-fix-X/prog.bpf.c would be /tmp/flow.h).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VerifyOnSave } from '../../server/verify-on-save';
import { EXAMPLES } from '../support/paths';

describe('verify on save: a fix trial builds its scratch copy with the source\'s own headers', () => {
  let ws: string;
  let planted: string;
  let vos: VerifyOnSave;
  const header = `ebpf-scratch-${process.pid}.h`;
  before(() => {
    ws = mkdtempSync(path.join(os.tmpdir(), 'ebpf-scratch-ws-'));
    mkdirSync(path.join(ws, 'src'));
    // the real header, one level up from the source, defines what the program needs
    writeFileSync(path.join(ws, header), '#define PASS_VERDICT XDP_PASS\n');
    // someone else's header of that relative name, where the scratch copy's `..` would point without nesting
    planted = path.join(os.tmpdir(), header);
    assert.ok(!existsSync(planted));
    writeFileSync(planted, '#error "a header planted in the shared temporary directory was included"\n');
    vos = new VerifyOnSave({ publish: () => undefined, show: () => undefined, log: () => undefined, status: () => undefined, verdicts: () => undefined });
    vos.workspaceRoots = [ws];
  });
  after(async () => {
    await vos.close();
    rmSync(planted, { force: true });
    rmSync(ws, { recursive: true, force: true });
  });

  it('`#include "../x.h"` in the trial reads the workspace\'s x.h, and the program verifies', async () => {
    const source = path.join(ws, 'src', 'count.bpf.c');
    const text = readFileSync(path.join(EXAMPLES, 'count_ok.bpf.c'), 'utf8')
      .replace(/(#include <bpf\/bpf_helpers.h>\n)/, `$1#include "../${header}"\n`)
      .replace(/return XDP_PASS;/g, 'return PASS_VERDICT;');
    assert.match(text, /PASS_VERDICT/, 'the program depends on the header');
    writeFileSync(source, text);
    const report = await vos.verifyScratch(source, text, 'count_ok');
    assert.ok(report, 'verify on save can verify here (root)');
    assert.equal(report.verdict, 'accepted', JSON.stringify(report.message));
  });
});
