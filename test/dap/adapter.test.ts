import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { bugLine, examplePath } from '../support/examples';
import { DIST } from '../support/paths';

/** The built adapter, out of process, talking to the real kernel through the helper. */
describe('debug adapter (DebugClient against dist/adapter.js, real kernel)', () => {
  let dc: DebugClient;

  beforeEach(async () => {
    dc = new DebugClient('node', path.join(DIST, 'adapter.js'), 'ebpf');
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  async function launchAndStop(name: string) {
    const [, , stopped] = await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program: examplePath(name) }),
      dc.assertStoppedLocation('exception', { path: examplePath(name), line: bugLine(name) }),
    ]);
    return stopped as DebugProtocol.StackTraceResponse;
  }

  it('stops on the NULL dereference at its source line, with the verifier message as exception info', async () => {
    const before = await kernelObjectsQuiet();
    const trace = await launchAndStop('null_deref');
    const frame = trace.body.stackFrames[0];
    assert.match(frame.name, /^null_deref @ insn \d+$/);
    const threads = await dc.threadsRequest();
    assert.deepEqual(threads.body.threads.map((t) => t.name), ['null_deref (rejected)']);
    const info = await dc.exceptionInfoRequest({ threadId: threads.body.threads[0].id });
    assert.equal(info.body.exceptionId, 'EACCES');
    assert.equal(info.body.description, "R0 invalid mem access 'map_value_or_null'");
    const scopes = await dc.scopesRequest({ frameId: frame.id });
    const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
    const byName = Object.fromEntries(vars.body.variables.map((v) => [v.name, v.value]));
    assert.equal(byName.verdict, 'rejected');
    assert.match(byName.instruction, /^\d+: r1 = \*\(u64 \*\)\(r0 \+0\)$/);
    assert.deepEqual(await kernelObjectsSettled(before), before);
  });

  it('stops inside the bpf-to-bpf subprogram for a reject there', async () => {
    const trace = await launchAndStop('subprog_reject');
    assert.equal(trace.body.stackFrames[0].line, bugLine('subprog_reject'));
  });

  it('streams the verifier log into the debug console before stopping', async () => {
    let output = '';
    dc.on('output', (e: DebugProtocol.OutputEvent) => { output += e.body.output; });
    await launchAndStop('packet_bounds');
    assert.match(output, /invalid access to packet, off=12 size=1/);
    assert.match(output, /R1 offset is outside of the packet/);
    assert.match(output, /packet_bounds \(xdp\): rejected EACCES/);
    const ended = dc.waitForEvent('terminated');
    await dc.continueRequest({ threadId: 1 });
    await ended; // no further reject: continuing ends the session
  });

  it('an accepted program reports its stats and ends the session', async () => {
    const stats = new Promise<string>((resolve) => {
      dc.on('output', (e: DebugProtocol.OutputEvent) => { if (/count_ok \(xdp\): accepted/.test(e.body.output)) resolve(e.body.output); });
    });
    await Promise.all([dc.configurationSequence(), dc.launch({ program: examplePath('count_ok') }), dc.waitForEvent('terminated')]);
    assert.match(await stats, /\d+ insns processed/);
  });

  it('a build failure fails the launch with clang\'s message', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-dap-'));
    const src = path.join(dir, 'broken.bpf.c');
    writeFileSync(src, 'int f(void) { return nope; }\n');
    await assert.rejects(Promise.all([dc.configurationSequence(), dc.launch({ program: src })]), /broken\.bpf\.c:1:22: use of undeclared identifier 'nope'/);
  });

  it('a launch without "program" is refused with what to add', async () => {
    await assert.rejects(dc.launch({}), /needs "program"/);
  });
});
