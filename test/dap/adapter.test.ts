import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { bugLine, examplePath } from '../support/examples';
import { REPO } from '../support/paths';
import { adapterPerTest, dapSuite, launchToReject, scopeVariables } from './dap-suite';
import { rejectMarker } from '../support/programs';

describe('debug adapter against the real kernel', () => dapSuite({}));

describe('debug adapter replaying saved logs (no kernel)', () => dapSuite({ replayLog: path.join(REPO, 'test', 'fixtures', 'replay') }));

describe('debug adapter: launch, build and errors (real kernel)', () => {
  const adapter = adapterPerTest();

  it('leaves nothing loaded in the kernel', async () => {
    const before = await kernelObjectsQuiet();
    await launchToReject(adapter.dc, { program: examplePath('null_deref') }, { line: bugLine('null_deref') });
    assert.deepEqual(await kernelObjectsSettled(before), before);
  });

  it('runs a `build` command first, then verifies the object it made', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-dap-build-'));
    const obj = path.join(dir, 'nd.o');
    const cmd = `clang -g -O2 -target bpf -I/usr/include/x86_64-linux-gnu -c ${examplePath('null_deref')} -o ${obj}`;
    await launchToReject(adapter.dc, { program: obj, build: cmd }, { path: examplePath('null_deref'), line: bugLine('null_deref') });
  });

  it('"capabilities": "bpf" verifies as a CAP_BPF-only loader and stops on that verdict\'s reject', async () => {
    const src = path.join(REPO, 'test', 'programs', 'cap_dependent.bpf.c');
    await launchToReject(adapter.dc, { program: src, capabilities: 'bpf' }, { path: src, line: rejectMarker(src, 'cap_dependent')!.line });
  });

  it('a build failure fails the launch with clang\'s message, and sends its diagnostics for Problems', async () => {
    const { dc } = adapter;
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
    const trace = await launchToReject(adapter.dc, { program: src }, { path: src, line: rejectMarker(src, 'unreleased_ref')!.line });
    const refs = await scopeVariables(adapter.dc, trace.body.stackFrames[0].id, 'References');
    assert.deepEqual(refs.map((v) => v.name), ['ref 2']);
  });

  it('a launch without "program" is refused with what to add', async () => {
    await assert.rejects(adapter.dc.launch({}), /needs "program"/);
  });
});
