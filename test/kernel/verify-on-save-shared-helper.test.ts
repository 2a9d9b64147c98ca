/**
 * Verify on save's one loader helper, shared by the saves' runs and the fix trials (real clang, the real kernel,
 * dist/helper.js; the helpers are real HelperClients whose traces the test reads):
 * - a save's abort cancels its own run's requests only, never a fix trial's of another source in flight; a save
 *   of the trial's own source cancels the trial;
 * - a change of ebpf.capabilities while a run's request is in flight does not close the helper under it: the run
 *   gets its verdict, and every helper started is ended by close().
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerifyStatusParams } from '../../core/lsp-ext';
import { HelperClient } from '../../core/loader/helper-client';
import type { CapabilitySet } from '../../core/loader/capabilities';
import { VerifyOnSave } from '../../server/verify-on-save';
import { EXAMPLES } from '../support/paths';
import { until, verdictFor } from '../support/verify-session';

/** A loop the verifier walks to its 1M-instruction limit: over a second in the kernel, longer than cancel()'s grace. */
const SLOW = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[64]);
} table SEC(".maps");
SEC("xdp")
int slow(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *vals = bpf_map_lookup_elem(&table, &key);
	__u64 sum = 0;
	if (!vals)
		return XDP_PASS;
	for (int i = 0; i < 100000; i++)
		sum += vals[(i * 7) & 63] ^ i;
	return sum & 1 ? XDP_PASS : XDP_DROP;
}
SEC("xdp")
int quick(struct xdp_md *ctx)
{
	return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
`;

/** How long a wait below may take: a verdict comes after the slow program's seconds in the kernel. */
const WAIT_MS = 30_000;

describe('verify on save: the shared loader helper (in process, real clang and kernel)', () => {
  let dir: string;
  let cache: string | undefined;
  let traces: string[];
  let statuses: VerifyStatusParams[];
  let shown: string[];
  let onStatus: (s: VerifyStatusParams) => void;
  let vos: VerifyOnSave;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-vos-shared-'));
    cache = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = path.join(dir, '.cache');
  });
  after(() => {
    if (cache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = cache;
    rmSync(dir, { recursive: true, force: true });
  });

  function start(): void {
    traces = [];
    statuses = [];
    shown = [];
    onStatus = () => undefined;
    let n = 0;
    // real helpers, each trace line tagged with the helper it came from
    const create = (capabilities: CapabilitySet | undefined) => {
      const k = n++;
      return new HelperClient({ capabilities, timeoutMs: 120_000, onTrace: (d, s) => traces.push(`[${k}] ${d} ${s}`) });
    };
    vos = new VerifyOnSave({
      publish: () => undefined, show: (_k, t) => shown.push(t), log: () => undefined,
      status: (s) => { statuses.push(s); onStatus(s); },
    }, create);
    vos.workspaceRoots = [dir];
  }

  /** The helpers' trace line that sent the verify of `slow`. */
  const slowVerifySent = () => traces.find((t) => /send #\d+ verify .*"program":"slow"/.test(t));
  const verdictOf = (source: string, after = 0) => statuses.slice(after).find(verdictFor(source));

  async function saved(file: string): Promise<VerifyStatusParams> {
    const from = statuses.length;
    vos.onSave(file);
    return until(() => verdictOf(file, from), () => `no verdict for ${file}: ${JSON.stringify(statuses.slice(from))}; the helpers said:\n${traces.join('\n')}`, WAIT_MS);
  }

  it('a save aborted while a fix trial of another source is in flight cancels only its own run', async () => {
    start();
    const saving = path.join(dir, 'saving.bpf.c');
    const trialSource = path.join(dir, 'trial.bpf.c');
    writeFileSync(saving, readFileSync(path.join(EXAMPLES, 'count_ok.bpf.c'), 'utf8'));
    writeFileSync(trialSource, SLOW);
    try {
      assert.equal((await saved(saving)).state, 'done');
      // another log level: the next save verifies again without building, so its requests queue behind the trial's
      vos.configure({ ...vos.settings, logLevel: 1 });
      const trial = vos.verifyScratch(trialSource, SLOW, 'slow');
      const sent = await until(slowVerifySent, () => `the trial's verify was never sent:\n${traces.join('\n')}`, WAIT_MS);
      const trialId = /send #(\d+) verify/.exec(sent)![1];
      const from = statuses.length;
      let answeredAtAbort: boolean | undefined;
      onStatus = (s) => {
        if (s.source !== saving || s.state !== 'verifying') return;
        onStatus = () => undefined;
        // the run's first request is queued by now; the newer save aborts the run
        setImmediate(() => {
          answeredAtAbort = traces.some((t) => t.includes(`recv #${trialId} `));
          vos.onSave(saving);
        });
      };
      vos.onSave(saving);
      const report = await trial;
      assert.equal(answeredAtAbort, false, 'the abort came while the trial\'s verify was in flight');
      assert.equal(report?.name, 'slow', 'the trial got its verdict');
      assert.ok(!traces.some((t) => t.includes(`cancel {"id":${trialId}}`)), `the trial's request was cancelled by another source's save:\n${traces.join('\n')}`);
      assert.ok(!traces.some((t) => /ending the helper/.test(t)), 'no helper was ended');
      const newer = await until(() => verdictOf(saving, from), () => `no verdict after the newer save: ${JSON.stringify(statuses.slice(from))}`, WAIT_MS);
      assert.equal(newer.state, 'done');
      assert.deepEqual(shown, []);
    } finally {
      await vos.close();
    }
  });

  it('a newer save of a trial\'s own source cancels that trial (its text is an older one), and the save is verified', async () => {
    start();
    const source = path.join(dir, 'own.bpf.c');
    writeFileSync(source, SLOW);
    try {
      const trial = vos.verifyScratch(source, SLOW, 'slow');
      await until(slowVerifySent, () => `the trial's verify was never sent:\n${traces.join('\n')}`, WAIT_MS);
      writeFileSync(source, readFileSync(path.join(EXAMPLES, 'count_ok.bpf.c'), 'utf8'));
      const verdict = saved(source);
      await assert.rejects(trial, (e: { code?: string }) => e.code === 'cancelled');
      const v = await verdict;
      assert.equal(v.state, 'done', JSON.stringify(v));
      assert.equal(v.rejected, 0);
      assert.deepEqual(shown, []);
    } finally {
      await vos.close();
    }
  });

  it('a capability change during a run\'s verify leaves the helper to that run, and close() ends every helper', async () => {
    start();
    const source = path.join(dir, 'two.bpf.c');
    writeFileSync(source, SLOW);
    try {
      vos.onSave(source);
      await until(slowVerifySent, () => `the verify was never sent:\n${traces.join('\n')}`, WAIT_MS);
      vos.configure({ ...vos.settings, capabilities: 'bpf+perfmon+net_admin' });
      const verdict = await until(() => verdictOf(source), () => `no verdict: ${JSON.stringify(statuses)}`, WAIT_MS);
      assert.equal(verdict.state, 'done', `${JSON.stringify(verdict)}; said: ${shown.join(' | ')}`);
      assert.equal((verdict.verified ?? 0) + (verdict.rejected ?? 0), 2, 'both programs verified');
      assert.deepEqual(shown, []);
    } finally {
      await vos.close();
    }
    await until(() => traces.filter((t) => / process start helper/.test(t)).length === traces.filter((t) => / process helper exited/.test(t)).length || undefined,
      () => `a helper was left running:\n${traces.filter((t) => / process /.test(t)).join('\n')}`, 5000);
  });
});
