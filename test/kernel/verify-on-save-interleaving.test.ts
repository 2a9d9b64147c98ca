/**
 * Verify on save in process, real clang and the real kernel (dist/helper.js): a newer save that arrives exactly when
 * the older text's build or verification starts (from inside the host's status callback, so the interleaving is the
 * same on every run) stops that run, and only the newer text's verdict, diagnostics and ebpf/verdicts report go out.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { VerifyStatusParams } from '../../core/lsp-ext';
import type { ObjectReport } from '../../core/verify/report';
import { VerifyOnSave } from '../../server/verify-on-save';
import { EXAMPLES } from '../support/paths';

const rejected = readFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), 'utf8');
const fixed = rejected.replace('\t*count += 1;', '\tif (!count)\n\t\treturn XDP_PASS;\n\t*count += 1;');

interface Published { statuses: VerifyStatusParams[]; reports: ObjectReport[]; diagnosticCodes: unknown[] }

/** Save the reject; when its run reaches `interruptAt`, write and save the fix. Resolves at the first verdict after it. */
async function saveDuring(interruptAt: 'building' | 'verifying'): Promise<Published> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-vos-order-'));
  const cache = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = path.join(dir, '.cache'); // a build cache of this test's own
  const f = path.join(dir, 'order.bpf.c');
  const out: Published = { statuses: [], reports: [], diagnosticCodes: [] };
  let interrupted = false;
  let verdict: () => void = () => undefined;
  const settled = new Promise<void>((r) => { verdict = r; });
  const vos: VerifyOnSave = new VerifyOnSave({
    publish: (uris) => out.diagnosticCodes.push(...uris.flatMap((u) => vos.diagnosticsFor(u)).map((d) => d.code)),
    show: () => undefined,
    log: () => undefined,
    status: (s) => {
      out.statuses.push(s);
      if (s.state === interruptAt && !interrupted) {
        interrupted = true;
        writeFileSync(f, fixed);
        vos.onSave(f);
      }
      if (s.state === 'done' || s.state === 'failed') verdict();
    },
    verdicts: (r) => out.reports.push(r),
  });
  vos.workspaceRoots = [dir];
  try {
    writeFileSync(f, rejected);
    vos.onSave(f);
    const timeout = setTimeout(() => verdict(), 30_000); // then the assertions say what came
    await settled;
    clearTimeout(timeout);
    return out;
  } finally {
    await vos.close();
    if (cache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = cache;
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('verify on save: a newer save during a run (in process, real clang and kernel)', () => {
  for (const at of ['building', 'verifying'] as const) {
    it(`a save as the older text's ${at === 'building' ? 'build' : 'verification'} starts: only the newer text's verdict is published`, async () => {
      const got = await saveDuring(at);
      const states = got.statuses.map((s) => s.state);
      const older = at === 'building' ? ['building'] : ['building', 'verifying'];
      assert.deepEqual(states, [...older, 'building', 'verifying', 'done'], 'the older run stopped where it was, the newer one ran through');
      assert.equal(got.statuses.at(-1)!.rejected, 0, 'the verdict of the fix');
      assert.deepEqual(got.diagnosticCodes, [], 'the reject was never published');
      assert.deepEqual(got.reports.map((r) => r.programs.map((p) => p.verdict)), [['accepted']], 'one ebpf/verdicts report, of the fix');
    });
  }
});
