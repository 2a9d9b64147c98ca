/**
 * What a debug session tells the editor while it works on the host kernel: a progress notification through the
 * build and each program (as the Verify command's), and, when the editor's channel is at trace level (it starts the
 * adapter with EBPF_DEBUGGER_TRACE=1), the adapter's own helper traffic as `ebpf/helperTrace` events.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { HELPER_TRACE_ENV, HELPER_TRACE_EVENT, type HelperTraceEventBody } from '../../core/loader/trace-summary';
import { examplePath } from '../support/examples';
import { adapterPerTest, launchAsProgressClient } from './dap-suite';

describe('debug adapter: progress and helper trace on the host', () => {
  // each test starts it with its own environment
  const adapter = adapterPerTest({ startBeforeEach: false, timeout: 60_000 });

  async function session(env: NodeJS.ProcessEnv) {
    const dc = await adapter.start({ env });
    const progress: DebugProtocol.Event[] = [];
    const trace: HelperTraceEventBody[] = [];
    for (const ev of ['progressStart', 'progressUpdate', 'progressEnd']) dc.on(ev, (e: DebugProtocol.Event) => progress.push(e));
    dc.on(HELPER_TRACE_EVENT, (e: DebugProtocol.Event) => trace.push(e.body as HelperTraceEventBody));
    await launchAsProgressClient(dc, { program: examplePath('null_deref') });
    return { progress, trace };
  }

  it('the build and each program are a progress notification that ends', async () => {
    const { progress, trace } = await session({ [HELPER_TRACE_ENV]: '' });
    assert.equal(progress[0]?.event, 'progressStart');
    assert.equal(progress[0].body.title, 'eBPF: verifying null_deref.bpf.c');
    const messages = progress.filter((e) => e.event === 'progressUpdate').map((e) => e.body.message);
    assert.deepEqual(messages, ['building null_deref.bpf.c', 'verifying 1 program', 'program 1 of 1: null_deref']);
    assert.equal(progress.at(-1)?.event, 'progressEnd');
    assert.equal(progress.at(-1)?.body.progressId, progress[0].body.progressId);
    assert.deepEqual(trace, [], 'no helper traffic unless the editor asks for it');
  });

  it('at trace level the helper\'s requests and replies come as bounded events, the log as a byte count', async () => {
    const { trace } = await session({ [HELPER_TRACE_ENV]: '1' });
    assert.ok(trace.some((t) => t.direction === 'send' && /verify/.test(t.summary)), JSON.stringify(trace));
    assert.ok(trace.some((t) => t.direction === 'recv'), JSON.stringify(trace));
    for (const t of trace) assert.ok(t.summary.length < 600, `bounded: ${t.summary.length}`);
    assert.ok(!trace.some((t) => t.summary.includes('invalid mem access')), 'the verifier log itself is not traced');
  });
});
