import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { VERDICTS_DEBUG_EVENT, type VerdictsEventBody } from '../../core/editor-events';
import { bugLine, examplePath } from '../support/examples';
import { REPO } from '../support/paths';
import { rejectMarker } from '../support/programs';
import { adapterPerTest, scopeVariables, topFrame } from './dap-suite';

const PROGRAMS = path.join(REPO, 'test', 'programs', 'dap');
const THREADS = path.join(PROGRAMS, 'threads_order.bpf.c');
const TC = path.join(PROGRAMS, 'tc_packet_bounds.bpf.c');

/** What a user sees of a session in the Call Stack, the exception widget and the Debug Console (real kernel). */
describe('debug session: threads, the stop, program-type advice, saved logs and verdicts', () => {
  let storage: string;
  before(() => { storage = mkdtempSync(path.join(os.tmpdir(), 'ebpf-dap-storage-')); });
  after(() => rmSync(storage, { recursive: true, force: true }));
  const adapter = adapterPerTest();

  async function stopOnFirst(args: object): Promise<DebugProtocol.StoppedEvent> {
    const { dc } = adapter;
    const [, , stopped] = await Promise.all([dc.configurationSequence(), dc.launch({ storageDir: storage, ...args }), dc.waitForEvent('stopped')]);
    return stopped as DebugProtocol.StoppedEvent;
  }

  it('lists the rejected programs first (the first reject first), verdict first in each name, and stops on the first reject', async () => {
    const { dc } = adapter;
    const stopped = await stopOnFirst({ program: THREADS });
    const threads = (await dc.threadsRequest()).body.threads;
    // all_fine comes first in the object; the rejects go before it
    assert.deepEqual(threads.map((t) => t.name), ['✗ first_reject (xdp)', '✗ second_reject (xdp)', '✓ all_fine (xdp)']);
    assert.equal(stopped.body.threadId, threads[0].id);
    assert.equal(stopped.body.reason, 'exception');
    assert.equal((await topFrame(dc, threads[0].id)).line, rejectMarker(THREADS, 'first_reject')!.line);
    // Continue: the next reject, on the next thread
    await Promise.all([dc.continueRequest({ threadId: threads[0].id }),
      dc.waitForEvent('stopped').then((e) => assert.equal(e.body.threadId, threads[1].id))]);
    assert.equal((await topFrame(dc, threads[1].id)).line, rejectMarker(THREADS, 'second_reject')!.line);
  });

  it('the stop\'s badge is "Rejected", the widget is titled "Rejected by the verifier"; exceptionInfo carries the explanation and the failing path', async () => {
    const { dc } = adapter;
    const stopped = await stopOnFirst({ program: examplePath('null_deref') });
    // the badge after the thread's name in Call Stack: one word, so the sidebar does not cut the program's name for it
    assert.equal(stopped.body.description, 'Rejected');
    assert.equal(stopped.body.text, "R0 invalid mem access 'map_value_or_null'");
    const info = (await dc.exceptionInfoRequest({ threadId: stopped.body.threadId! })).body;
    assert.equal(info.exceptionId, 'Rejected by the verifier');
    assert.equal(info.breakMode, 'always');
    assert.match(info.description ?? '', /^R0 invalid mem access 'map_value_or_null'\n\nPossible NULL dereference: [\s\S]+\nFix: /);
    assert.equal(info.details?.message, "R0 invalid mem access 'map_value_or_null'");
    assert.equal(info.details?.typeName, 'EACCES');
    // the widget links `file:line`: the reject's line comes first, without its comment (a `*/` would read as a path)
    assert.equal(info.details?.stackTrace?.split('\n')[0], `    at *count += 1; (${examplePath('null_deref')}:${bugLine('null_deref')})`);
  });

  it('a TC program\'s fix returns TC_ACT_OK, not XDP_PASS', async () => {
    const { dc } = adapter;
    const stopped = await stopOnFirst({ program: TC });
    assert.equal((await topFrame(dc, stopped.body.threadId!)).line, rejectMarker(TC, 'tc_packet_bounds')!.line);
    const info = (await dc.exceptionInfoRequest({ threadId: stopped.body.threadId! })).body;
    assert.match(info.description ?? '', /Fix: .*skb->data_end\) return TC_ACT_OK;/);
    assert.doesNotMatch(info.description ?? '', /XDP/);
    const frame = await topFrame(dc, stopped.body.threadId!);
    const fix = (await scopeVariables(dc, frame.id, 'Reject')).find((v) => v.name === 'fix');
    assert.match(fix?.value ?? '', /return TC_ACT_OK;/);
  });

  it('saves each full log under the storage dir, per object: same-named programs of two projects do not collide; the console links it', async () => {
    const projects = ['alpha', 'beta'].map((p) => path.join(storage, 'src', p));
    const files: string[] = [];
    for (const dir of projects) {
      mkdirSync(dir, { recursive: true });
      const src = path.join(dir, 'null_deref.bpf.c');
      copyFileSync(examplePath('null_deref'), src);
      const headers: DebugProtocol.OutputEvent[] = [];
      const onOutput = (e: DebugProtocol.OutputEvent) => { if (/verifier log \(/.test(e.body.output)) headers.push(e); };
      adapter.dc.on('output', onOutput);
      await stopOnFirst({ program: src });
      adapter.dc.removeListener('output', onOutput);
      assert.equal(headers.length, 1, 'one log header');
      const file = headers[0].body.source?.path ?? '';
      assert.equal(headers[0].body.line, 1);
      const uri = /full log: (file:\S+)/.exec(headers[0].body.output)?.[1];
      assert.equal(uri && fileURLToPath(uri), file, 'the header names the file as a file:// link');
      assert.ok(file.startsWith(path.join(storage, 'logs') + path.sep), `${file} under ${storage}/logs`);
      assert.match(path.relative(path.join(storage, 'logs'), file), /^null_deref\.bpf\.c-[0-9a-f]{12}\/null_deref\.verifier\.log$/);
      assert.match(readFileSync(file, 'utf8'), /R0 invalid mem access 'map_value_or_null'/);
      files.push(file);
      await adapter.start(); // the second project gets an adapter of its own
    }
    assert.notEqual(path.dirname(files[0]), path.dirname(files[1]), 'two objects, two directories');
    assert.ok(files.every((f) => existsSync(f)), 'neither overwrote the other');
  });

  it('a log that cannot be saved (storageDir is a file) is said on stderr, and the session still stops on the reject', async () => {
    const notADir = path.join(storage, 'not-a-dir');
    writeFileSync(notADir, '');
    const errors: string[] = [];
    adapter.dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stderr') errors.push(e.body.output); });
    const stopped = await stopOnFirst({ program: examplePath('null_deref'), storageDir: notADir });
    assert.equal(stopped.body.reason, 'exception');
    assert.ok(errors.some((l) => /null_deref: verifier log .* the full log could not be saved: E(NOTDIR|EXIST)\b.*not-a-dir/.test(l)), errors.join(''));
  });

  it('tells the client each verification\'s verdicts (ebpf/verdicts) before the first stop', async () => {
    const { dc } = adapter;
    const order: string[] = [];
    dc.on('stopped', () => order.push('stopped'));
    const event = dc.waitForEvent(VERDICTS_DEBUG_EVENT).then((e) => { order.push('verdicts'); return e.body as VerdictsEventBody; });
    await stopOnFirst({ program: THREADS });
    const body = await event;
    assert.deepEqual(order, ['verdicts', 'stopped']);
    assert.equal(body.kernel, 'host');
    assert.equal(body.report.source, THREADS, 'the unit is the .bpf.c the session built');
    assert.deepEqual(body.report.programs.map((p) => [p.name, p.verdict]), [['all_fine', 'accepted'], ['first_reject', 'rejected'], ['second_reject', 'rejected']]);
    assert.equal(body.report.programs[1].location?.line, rejectMarker(THREADS, 'first_reject')!.line);
  });
});
