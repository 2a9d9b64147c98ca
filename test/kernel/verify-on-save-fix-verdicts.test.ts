/**
 * The store of fix-trial verdicts (VerifiedFixes): every save of a rejected source adds its candidates' verdicts (the
 * saved text is in the key), so it keeps only the most recently used ones, and a source's go when its document
 * closes, those of a trial still running included. The trials are real: VerifyOnSave.verifyScratch, clang and the
 * kernel; the candidates are fixes of a reject on count_ok's program (each one a comment: the program stays accepted).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { VerifyOnSave } from '../../server/verify-on-save';
import { FIX_VERDICT_CAPACITY, VerifiedFixes, type Candidate } from '../../server/verify-on-save-fixes';
import { VERIFIER_SOURCE } from '../../server/verify-on-save-diagnostics';
import { EXAMPLES } from '../support/paths';

const TEXT = readFileSync(path.join(EXAMPLES, 'count_ok.bpf.c'), 'utf8');

function candidate(n: number): Candidate {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return {
    diagnostic: { range, severity: DiagnosticSeverity.Error, source: VERIFIER_SOURCE, message: 'a reject', data: { program: 'count_ok', explanation: null } },
    finding: { rule: 'test', severity: 'warning' as never, message: 'a finding', range },
    fix: { title: `fix ${n}`, edits: [{ range, newText: `// fix ${n}\n` }] },
  };
}

describe('verify on save: the fix-trial verdicts kept', () => {
  let ws: string;
  let vos: VerifyOnSave;
  let a: string;
  let b: string;
  before(() => {
    ws = mkdtempSync(path.join(os.tmpdir(), 'ebpf-vos-fixstore-'));
    a = path.join(ws, 'a.bpf.c');
    b = path.join(ws, 'b.bpf.c');
    writeFileSync(a, TEXT);
    writeFileSync(b, TEXT);
    vos = new VerifyOnSave({ publish: () => undefined, show: () => undefined, log: () => undefined, status: () => undefined });
    vos.workspaceRoots = [ws];
  });
  after(async () => {
    await vos.close();
    rmSync(ws, { recursive: true, force: true });
  });

  it(`keeps the ${FIX_VERDICT_CAPACITY} (here 2) most recently used verdicts`, async () => {
    const fixes = new VerifiedFixes((s, t, p) => vos.verifyScratch(s, t, p), 2);
    const [c1, c2, c3, c4] = [1, 2, 3, 4].map(candidate);
    await fixes.check(a, TEXT, [c1, c2]);
    assert.equal(fixes.verdict(TEXT, c1), true, 'the kernel accepts the fixed copy');
    assert.equal(fixes.verdict(TEXT, c2), true);
    assert.equal(fixes.verdict(TEXT, c1), true); // c1 used last: c2 is the least recently used
    await fixes.check(a, TEXT, [c3]);
    assert.equal(fixes.size, 2);
    assert.equal(fixes.verdict(TEXT, c2), undefined, 'the least recently used went');
    assert.equal(fixes.verdict(TEXT, c1), true);
    assert.equal(fixes.verdict(TEXT, c3), true);
    await fixes.check(a, TEXT, [c4]);
    assert.equal(fixes.verdict(TEXT, c3), true);
    assert.equal(fixes.verdict(TEXT, c1), undefined);
    assert.equal(fixes.size, 2);
  });

  it('drops a source\'s verdicts when its document closes, and keeps another source\'s', async () => {
    const fixes = new VerifiedFixes((s, t, p) => vos.verifyScratch(s, t, p));
    const [c1, c2] = [1, 2].map(candidate);
    await fixes.check(a, TEXT, [c1]);
    await fixes.check(b, `${TEXT}\n`, [c2]);
    assert.equal(fixes.size, 2);
    fixes.forget(a);
    assert.equal(fixes.verdict(TEXT, c1), undefined, 'a\'s verdict went with its document');
    assert.equal(fixes.verdict(`${TEXT}\n`, c2), true, 'b\'s stays');
    assert.equal(fixes.size, 1);
  });

  it('a trial running when its source\'s document closes keeps nothing', async () => {
    const fixes = new VerifiedFixes((s, t, p) => vos.verifyScratch(s, t, p));
    const c1 = candidate(1);
    const checked = fixes.check(a, TEXT, [c1]);
    fixes.forget(a); // the trial has started its build: the document closed meanwhile
    await checked;
    assert.equal(fixes.verdict(TEXT, c1), undefined);
    assert.equal(fixes.size, 0);
  });
});
