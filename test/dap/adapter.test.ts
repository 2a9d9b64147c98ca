import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { bugLine, examplePath } from '../support/examples';
import { DIST, REPO } from '../support/paths';
import { dapSuite } from './dap-suite';
import { rejectMarker } from '../support/programs';

describe('debug adapter against the real kernel', () => dapSuite({}));

describe('debug adapter replaying saved logs (no kernel)', () => dapSuite({ replayLog: path.join(REPO, 'test', 'fixtures', 'replay') }));

describe('debug adapter: launch, build and errors (real kernel)', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = new DebugClient('node', path.join(DIST, 'adapter.js'), 'ebpf');
    await dc.start();
  });
  afterEach(() => dc.stop());

  it('leaves nothing loaded in the kernel', async () => {
    const before = await kernelObjectsQuiet();
    await Promise.all([dc.configurationSequence(), dc.launch({ program: examplePath('null_deref') }),
      dc.assertStoppedLocation('exception', { line: bugLine('null_deref') })]);
    assert.deepEqual(await kernelObjectsSettled(before), before);
  });

  it('runs a `build` command first, then verifies the object it made', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-dap-build-'));
    const obj = path.join(dir, 'nd.o');
    const cmd = `clang -g -O2 -target bpf -I/usr/include/x86_64-linux-gnu -c ${examplePath('null_deref')} -o ${obj}`;
    await Promise.all([dc.configurationSequence(), dc.launch({ program: obj, build: cmd }),
      dc.assertStoppedLocation('exception', { path: examplePath('null_deref'), line: bugLine('null_deref') })]);
  });

  it('"capabilities": "bpf" verifies as a CAP_BPF-only loader and stops on that verdict\'s reject', async () => {
    const src = path.join(REPO, 'test', 'programs', 'cap_dependent.bpf.c');
    await Promise.all([dc.configurationSequence(), dc.launch({ program: src, capabilities: 'bpf' }),
      dc.assertStoppedLocation('exception', { path: src, line: rejectMarker(src, 'cap_dependent')!.line })]);
  });

  it('a build failure fails the launch with clang\'s message, and sends its diagnostics for Problems', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-dap-'));
    const src = path.join(dir, 'broken.bpf.c');
    writeFileSync(src, 'int f(void) { return nope; }\n');
    const event = dc.waitForEvent('ebpf/buildFailed');
    await assert.rejects(Promise.all([dc.configurationSequence(), dc.launch({ program: src })]), /broken\.bpf\.c:1:22: use of undeclared identifier 'nope'/);
    const diags = (await event).body.diagnostics as { file: string; line: number; column: number; severity: string }[];
    assert.deepEqual(diags.map((d) => [d.file, d.line, d.column, d.severity]), [[src, 1, 22, 'error']]);
  });

  it('lists the references a program still holds at its reject', async () => {
    const src = path.join(REPO, 'test', 'programs', 'unreleased_ref.bpf.c');
    const [, , trace] = await Promise.all([dc.configurationSequence(), dc.launch({ program: src }),
      dc.assertStoppedLocation('exception', { path: src, line: rejectMarker(src, 'unreleased_ref')!.line })]);
    const scopes = await dc.scopesRequest({ frameId: (trace as DebugProtocol.StackTraceResponse).body.stackFrames[0].id });
    const refs = scopes.body.scopes.find((s) => s.name === 'References');
    assert.ok(refs, 'a References scope');
    const vars = await dc.variablesRequest({ variablesReference: refs.variablesReference });
    assert.deepEqual(vars.body.variables.map((v) => v.name), ['ref 2']);
  });

  it('a launch without "program" is refused with what to add', async () => {
    await assert.rejects(dc.launch({}), /needs "program"/);
  });
});
