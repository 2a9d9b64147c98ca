/**
 * Stop pressed while a launch is still verifying (VS Code sends `terminate`): the verification is abandoned, the
 * launch ends quietly (no error for a dialog), the session ends, and nothing stops after its end. A stop event after
 * `terminated` made VS Code focus a session that was gone, which kept `activeDebugSession` set.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { fetchMatrixKernels } from '../support/kernel-matrix';
import { REPO } from '../support/paths';
import { SLOW_LOOP_ITERS } from '../support/programs';
import { adapterPerTest } from './dap-suite';

/** The adapter's events in the order they came, by name, with their bodies. */
function recordEvents(dc: DebugClient): { name: string; body: unknown }[] {
  const seen: { name: string; body: unknown }[] = [];
  for (const name of ['output', 'stopped', 'terminated', 'ebpf/verdicts', 'progressStart']) {
    dc.on(name, (e: DebugProtocol.Event) => seen.push({ name, body: e.body }));
  }
  return seen;
}

/** Resolves with the first console line matching `re`. */
function outputMatching(dc: DebugClient, re: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const on = (e: DebugProtocol.OutputEvent) => {
      if (re.test(e.body.output)) { dc.removeListener('output', on); resolve(e.body.output); }
    };
    dc.on('output', on);
  });
}

describe('debug adapter: Stop during the launch', () => {
  const adapter = adapterPerTest();

  const slowLoop = { program: path.join(REPO, 'bench', 'programs', 'loop_log.bpf.c'), build: [`-DLOOP_ITERS=${SLOW_LOOP_ITERS}`], logLevel: 2 };

  async function stopWhile(launchArgs: object, busy: RegExp) {
    const dc = adapter.dc;
    const events = recordEvents(dc);
    const busyNow = outputMatching(dc, busy);
    const launched = dc.launch(launchArgs as DebugProtocol.LaunchRequestArguments).then((r) => r, (e: Error) => e);
    await dc.configurationSequence();
    await busyNow;
    const terminated = dc.waitForEvent('terminated');
    await dc.terminateRequest({});
    await terminated;
    const response = await launched;
    return { events, response };
  }

  it('on the host: the load in flight is abandoned, the launch answers without an error, and no stop follows', async () => {
    const before = await kernelObjectsQuiet();
    const { events, response } = await stopWhile(slowLoop, /^eBPF: verifying /);
    assert.ok(!(response instanceof Error), `the launch ended quietly, not with: ${response instanceof Error ? response.message : ''}`);
    assert.equal(response.success, true);
    assert.deepEqual(events.filter((e) => e.name === 'stopped'), [], 'no stop, before or after the end');
    assert.deepEqual(events.filter((e) => e.name === 'ebpf/verdicts'), [], 'no verdict: the verification was abandoned');
    assert.equal(await adapter.dc.threadsRequest().then((r) => r.body.threads.length, () => 0), 0, 'no program to show');
    assert.deepEqual(await kernelObjectsSettled(before), before, 'nothing left loaded');
  });

  it('on a kernel in a VM: the guest is stopped, not waited for', async (t) => {
    const unreachable = await fetchMatrixKernels(['6.1'], (m) => t.diagnostic(m));
    if (unreachable) { t.skip(unreachable); return; }
    const { events, response } = await stopWhile({ ...slowLoop, kernels: ['6.1'] }, /in a VM/);
    assert.ok(!(response instanceof Error), `the launch ended quietly, not with: ${response instanceof Error ? response.message : ''}`);
    const said = events.filter((e) => e.name === 'output').map((e) => (e.body as { output: string }).output).join('');
    assert.doesNotMatch(said, /answered in|could not verify/, 'the guest neither answered nor was reported as failing');
    assert.deepEqual(events.filter((e) => e.name === 'stopped' || e.name === 'ebpf/verdicts'), []);
  });
});
