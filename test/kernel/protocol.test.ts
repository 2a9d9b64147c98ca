import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { summarizeLog } from '../../core/verifier-log/parse';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { DIST, REPO } from '../support/paths';

describe('helper protocol: verifyAll and cancel', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  const obj: Record<string, string> = {};
  before(async () => {
    obj.multi = (await buildBpfSource(path.join(REPO, 'test', 'programs', 'multi_prog.bpf.c'))).object;
    obj.slow = (await buildBpfSource(path.join(REPO, 'test', 'programs', 'slow', 'three_loops.bpf.c'))).object;
    obj.big = (await buildBpfSource(path.join(REPO, 'bench', 'programs', 'loop_log.bpf.c'), { extraArgs: ['-DLOOP_ITERS=12000'], outDir: path.join(REPO, 'out', 'test-12000') })).object;
  });
  after(() => helper.close());

  it('verifyAll verifies every program one at a time, each log tagged with its program', async () => {
    const logs = new Map<string, Buffer[]>();
    const results = await helper.verifyAll(obj.multi, 1, (program, chunk) => logs.set(program, [...(logs.get(program) ?? []), chunk]));
    assert.deepEqual(results.map((r) => [r.program, r.errno]), [['from_header', 13], ['via_static', 13], ['via_global', 13], ['all_good', 0]]);
    assert.match(summarizeLog(logs.get('via_static')!).messageLines[0], /^R1 invalid mem access/);
    assert.equal(summarizeLog(logs.get('all_good')!).messageLines.length, 0);
  });

  it('cancel stops a verifyAll between programs', async () => {
    let cancelled = false;
    const run = helper.verifyAll(obj.slow, 2, () => {
      if (!cancelled) {
        cancelled = true;
        void helper.cancel(10_000); // the first log arrives once a program is done: the cancel lands before the third
      }
    });
    await assert.rejects(run, (e: Error & { code?: string }) => e.code === 'cancelled' && /Cancelled after [12] of 3 programs/.test(e.message));
    assert.equal((await helper.list(obj.slow)).programs.length, 3, 'the helper still serves');
  });

  it('cancel in the middle of one long load stops the helper; nothing is left; the next request gets a new helper', async () => {
    const before = await kernelObjectsQuiet();
    const { pid } = await helper.hello();
    const run = helper.verify({ path: obj.big, program: 'loop_log', logLevel: 2 });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await helper.cancel(100);
    await assert.rejects(run, { code: 'cancelled' });
    assert.ok(Date.now() - t0 < 1500, 'cancelled promptly');
    assert.notEqual((await helper.hello()).pid, pid, 'a fresh helper');
    assert.deepEqual(await kernelObjectsSettled(before), before);
  });
});
