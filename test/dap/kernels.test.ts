import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { VERDICTS_DEBUG_EVENT, type VerdictsEventBody } from '../../core/editor-events';
import { cachedKernels, kernelCacheRoot } from '../../core/kernel-matrix/kernel-store';
import { bugLine, examplePath } from '../support/examples';
import { qemuMissing } from '../support/kernel-matrix';
import { adapterPerTest, launchAsProgressClient, launchToReject, topFrame } from './dap-suite';

/**
 * `kernels: ["host", "6.1"]`: one thread per (program, kernel), each stopping on its reject. 6.1's log has no
 * `@ file:line`, so its stop is placed through the object's line_info. Boots a VM (~3 s cached, a core for that
 * time; the first run downloads the 6.1 image, about 27 MB): one test only.
 */
describe('debug adapter: a session on several kernels (host and a Debian kernel in a VM)', () => {
  const adapter = adapterPerTest({ timeout: 180_000 }); // a cold 6.1 (download and TCG boot) on a busy 2-core machine

  it('null_deref on host and 6.1: a thread each, named by kernel, both stop on the BUG line; a verdicts event per kernel', { skip: qemuMissing() }, async () => {
    const { dc } = adapter;
    const src = examplePath('null_deref');
    const cached = cachedKernels(kernelCacheRoot()).some((k) => k.series === '6.1');
    const verdicts: VerdictsEventBody[] = [];
    const console: string[] = [];
    dc.on(VERDICTS_DEBUG_EVENT, (e: DebugProtocol.Event) => verdicts.push(e.body as VerdictsEventBody));
    dc.on('output', (e: DebugProtocol.OutputEvent) => console.push(e.body.output));
    const progress: DebugProtocol.Event[] = [];
    for (const ev of ['progressStart', 'progressUpdate', 'progressEnd']) dc.on(ev, (e: DebugProtocol.Event) => progress.push(e));
    // a client that shows progress (VS Code does): the VM's verification is a progress notification
    const first = await launchAsProgressClient(dc, { program: src, kernels: ['host', '6.1'] });

    assert.deepEqual(verdicts.map((v) => v.kernel), ['host', '6.1']);
    assert.match(verdicts[1].report.kernel, /^6\.1\.\d+-\d+/, 'the release that answered');
    assert.equal(verdicts[1].report.programs[0].verdict, 'rejected');
    assert.ok(console.some((l) => /verifying null_deref\.bpf\.c on kernel 6\.1 in a VM/.test(l)), 'the console says a VM verifies');
    const vmStart = progress.find((e) => e.event === 'progressStart' && /on kernel 6\.1 in a VM/.test(e.body.title));
    assert.ok(vmStart, `a progress for the VM: ${JSON.stringify(progress.map((e) => e.body))}`);
    assert.match(vmStart.body.title, /verifying null_deref\.bpf\.c on kernel 6\.1 in a VM/);
    assert.equal(progress.at(-1)?.event, 'progressEnd');
    assert.equal(progress.at(-1)?.body.progressId, vmStart.body.progressId);
    if (!cached) assert.ok(console.some((l) => /Downloading linux-image-6\.1\.\S+ \(\d+\.\d MB\)/.test(l)), 'the first run says what it downloads and how big');

    const threads = (await dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => t.name), ['✗ null_deref @ host', '✗ null_deref @ 6.1']);
    assert.equal(first.body.threadId, threads[0].id);
    assert.equal(first.body.reason, 'exception');
    assert.equal((await topFrame(dc, threads[0].id)).line, bugLine('null_deref'));

    // Continue: the 6.1 thread's reject, placed through line_info (6.1 prints no `@ file:line`)
    await Promise.all([dc.continueRequest({ threadId: threads[0].id }),
      dc.assertStoppedLocation('exception', { path: src, line: bugLine('null_deref') })]);
    const on61 = await topFrame(dc, threads[1].id);
    assert.equal(on61.line, bugLine('null_deref'));
    const info = await dc.exceptionInfoRequest({ threadId: threads[1].id });
    assert.match(info.body.details?.fullTypeName ?? '', / on 6\.1: rejected EACCES$/);

    // stepping works on the 6.1 log as on the host's: back to the lookup, forward to the reject
    await Promise.all([dc.stepBackRequest({ threadId: threads[1].id }), dc.waitForEvent('stopped')]);
    const back = await topFrame(dc, threads[1].id);
    assert.ok(back.line < bugLine('null_deref'), `stepped back to line ${back.line}`);
    await Promise.all([dc.nextRequest({ threadId: threads[1].id }), dc.assertStoppedLocation('exception', { line: bugLine('null_deref') })]);
  });

  it('a kernel that cannot be had is said in the console and the session goes on with the others; alone, the launch fails saying why', async () => {
    // an ABI Debian never shipped: refused from the package lists, before any VM (or download of an image)
    const src = examplePath('null_deref');
    const errors: string[] = [];
    let dc = adapter.dc;
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stderr') errors.push(e.body.output); });
    await launchToReject(dc, { program: src, kernels: ['host', '6.1.0-1'] }, { path: src, line: bugLine('null_deref') });
    assert.deepEqual((await dc.threadsRequest()).body.threads.map((t) => t.name), ['✗ null_deref @ host']);
    assert.ok(errors.some((l) => /kernel 6\.1\.0-1 could not verify null_deref\.bpf\.c: No Debian image package for kernel 6\.1\.0-1/.test(l)), errors.join(''));
    dc = await adapter.start(); // alone: a session of its own
    await assert.rejects(Promise.all([dc.configurationSequence(), dc.launch({ program: src, kernels: ['6.1.0-1'] })]), /No Debian image package for kernel 6\.1\.0-1/);
    await assert.rejects(dc.launch({ program: src, kernels: ['host', 'linux-9'] }), /"kernels": 'linux-9' names no kernel/);
    // a list of blanks names no kernel: the launch's validation says what to list, not a crash on the first run
    await assert.rejects(dc.launch({ program: src, kernels: [', ', ' '] }), /"kernels" has an empty entry: list kernel names such as "host"/);
  });
});
