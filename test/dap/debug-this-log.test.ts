import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { logToReplay, pickProgram, programsOf, writeReplayDir } from '../../client/log-replay';
import { VERDICTS_DEBUG_EVENT } from '../../core/editor-events';
import { bugLine, examplePath } from '../support/examples';
import { KERNEL_MATRIX, REPO } from '../support/paths';
import { adapterPerTest, launchToReject, scopeVariables, topFrame } from './dap-suite';

const REPLAY = path.join(REPO, 'test', 'fixtures', 'replay');

/**
 * "Debug This Log" as the client runs it (client/log-replay.ts, then a launch with the replay loader's directory in
 * the `replayLog` attribute, as client/verifier-log-commands.ts sets it): the saved log, not the kernel, drives
 * stepping and variables.
 */
describe('Debug This Log: a saved log replayed by the debug adapter', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-debug-log-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  // started once the replay is written: the last test needs none
  const adapter = adapterPerTest({ startBeforeEach: false });

  it('a raw log of an object of the workspace: stops on its reject, steps back, shows the callee\'s registers', async () => {
    const replay = logToReplay(readFileSync(path.join(REPLAY, 'subprog_reject.log'), 'utf8'), '/tmp/saved.verifier.log');
    assert.ok(!('error' in replay));
    // the log names neither its program nor its object: the function of its first annotation does
    assert.deepEqual([replay.program, replay.errno, replay.sources], ['subprog_reject', 13, ['subprog_reject.bpf.c']]);
    const obj = path.join(dir, 'subprog_reject.bpf.o');
    execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', examplePath('subprog_reject'), '-o', obj]);
    const name = pickProgram(programsOf(obj), replay.program);
    assert.equal(name, 'subprog_reject');
    writeReplayDir(path.join(dir, 'r1'), name, replay);
    const c = await adapter.start();
    const verdicts: unknown[] = [];
    c.on(VERDICTS_DEBUG_EVENT, (e) => verdicts.push(e));
    const trace = await launchToReject(c, { program: obj, programName: name, replayLog: path.join(dir, 'r1') },
      { path: examplePath('subprog_reject'), line: bugLine('subprog_reject') });
    const frames = trace.body.stackFrames;
    assert.match(frames[0].name, /^account @ insn 17$/);
    const regs = await scopeVariables(c, frames[0].id, 'Registers');
    assert.match(regs.find((v) => v.name === 'R1')?.value ?? '', /^map_value_or_null/);
    await Promise.all([c.stepBackRequest({ threadId: 1 }), c.waitForEvent('stopped')]);
    const back = await topFrame(c);
    assert.notEqual(back.line, bugLine('subprog_reject'), 'stepped back to the line before the reject');
    await Promise.all([c.nextRequest({ threadId: 1 }), c.assertStoppedLocation('exception', { line: bugLine('subprog_reject') })]);
    assert.deepEqual(verdicts, [], 'a replayed log is no verdict on the object: nothing for the client\'s store');
  });

  it('pasted bpftool -d output of several programs: the rejected one is replayed over its source', async () => {
    const text = readFileSync(path.join(KERNEL_MATRIX, 'level2', '6.18-cloud.txt'), 'utf8');
    const replay = logToReplay(text);
    assert.ok(!('error' in replay));
    assert.deepEqual([replay.program, replay.errno, replay.sources], ['count_packets', 13, ['nullcheck_hash.bpf.c']]);
    // only that program's part of the output: the verifier's lines between libbpf's markers
    assert.equal(replay.log.split('\n')[0], 'func#0 @0');
    assert.equal(replay.log.match(/^processed \d+ insns/gm)?.length, 1);
    assert.doesNotMatch(replay.log, /libbpf:|-- (BEGIN|END) PROG LOAD LOG --/);
    const src = path.join(dir, 'nullcheck_hash.bpf.c');
    copyFileSync(path.join(KERNEL_MATRIX, 'programs', 'nullcheck_hash.bpf.c'), src);
    writeReplayDir(path.join(dir, 'r2'), replay.program!, replay);
    const c = await adapter.start();
    const bug = readFileSync(src, 'utf8').split('\n').findIndex((l) => l.includes('BUG: val may be NULL')) + 1;
    await launchToReject(c, { program: src, programName: replay.program, replayLog: path.join(dir, 'r2') }, { path: src, line: bug });
    const info = await c.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.details?.message, "R0 invalid mem access 'map_value_or_null'");
  });

  it('a document that is no verifier log is refused with what to open instead', () => {
    const r = logToReplay('some notes\n');
    assert.ok('error' in r);
    assert.match(r.error, /no verifier instructions.*bpftool -d prog load/);
  });
});
