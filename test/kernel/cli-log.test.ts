import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import type { ProgramReport } from '../../core/verify/report';
import { bugLine, examplePath } from '../support/examples';
import { matrixBlock } from '../support/kernel-matrix';
import { DIST, EXAMPLES, KERNEL_MATRIX } from '../support/paths';
import { runCli } from '../support/run-cli';

describe('ebpf-debugger log', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-log-'));
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  let kernelLog: string;
  before(async () => {
    const obj = (await buildBpfSource(examplePath('subprog_reject'))).object;
    const out = await helper.verify({ path: obj, program: 'subprog_reject', logLevel: 2 });
    kernelLog = path.join(dir, 'subprog_reject.log');
    writeFileSync(kernelLog, Buffer.concat(out.log));
  });
  after(() => helper.close());

  it('summarises a log captured from the kernel, in verify\'s program shape', () => {
    const r = runCli(['log', kernelLog, '--json', '--source-root', EXAMPLES]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { log: string; programs: ProgramReport[] };
    assert.equal(doc.log, kernelLog);
    const p = doc.programs[0];
    assert.equal(p.verdict, 'rejected');
    assert.equal(p.message, "R1 invalid mem access 'map_value_or_null'");
    assert.deepEqual(p.location, { file: examplePath('subprog_reject'), line: bugLine('subprog_reject'), column: null });
    assert.equal(p.explanation?.id, 'null-deref');
    const verify = JSON.parse(runCli(['verify', examplePath('count_ok'), '--json']).stdout);
    assert.deepEqual(Object.keys(p).sort(), Object.keys(verify.programs[0]).sort(), 'the same program shape as verify --json');
  });

  it('reads pasted bpftool -d output from standard input, taking errno and program from libbpf\'s wrapper', () => {
    const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'log', '-', '--json', '--source-root', path.join(KERNEL_MATRIX, 'programs')],
      { input: matrixBlock(2, '6.12.txt', 'nullcheck_hash'), encoding: 'utf8' });
    const p = JSON.parse(r.stdout).programs[0] as ProgramReport;
    assert.equal(p.name, 'count_packets');
    assert.deepEqual([p.errno, p.errnoName], [13, 'EACCES']);
    assert.deepEqual(p.location, { file: path.join(KERNEL_MATRIX, 'programs', 'nullcheck_hash.bpf.c'), line: 17, column: null });
  });

  it('prints the 7.x prose location with its column', () => {
    const f = path.join(dir, '7.3.log');
    writeFileSync(f, matrixBlock(1, '7.3-cloud.txt', 'nullcheck_hash'));
    const p = JSON.parse(runCli(['log', f, '--json']).stdout).programs[0] as ProgramReport;
    assert.deepEqual([p.location?.line, p.location?.column], [17, 7]);
  });

  it('human output: message, explanation, fix and the path\'s source lines', () => {
    const r = runCli(['log', kernelLog, '--source-root', EXAMPLES]);
    assert.match(r.stdout, /Possible NULL dereference:/);
    assert.match(r.stdout, /Fix: Test it first/);
    assert.match(r.stdout, /path to the reject \(last source lines\):\n.*subprog_reject\.bpf\.c:\d+ \[insn \d+\]/);
  });

  it('an accepted log exits 0; a log cut before its verdict exits 1 and says so', () => {
    const ok = path.join(dir, 'ok.log');
    writeFileSync(ok, matrixBlock(2, '6.18-cloud.txt', 'ok'));
    assert.equal(runCli(['log', ok]).code, 0);
    const cut = path.join(dir, 'cut.log');
    writeFileSync(cut, '0: R1=ctx() R10=fp0\n0: (b7) r1 = 0                        ; R1=0\n1: (63) *(u32 *)(r10 -4) = r1\n');
    const r = runCli(['log', cut]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /holds no verdict: it ends before the verifier's verdict/);
  });

  it('missing and directory inputs are usage errors with a message; with --json, a JSON error object', () => {
    assert.match(runCli(['log', '/nonexistent.log']).stderr, /no such file/);
    assert.equal(runCli(['log', dir]).code, 2);
    assert.equal(runCli(['log']).code, 2);
    const r = runCli(['log', '/nonexistent.log', '--json']);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.kind, 'usage');
    assert.match(JSON.parse(r.stdout).error.message, /no such file/);
  });

  it('an empty log, or text without a verdict, exits 1 saying the log holds no verdict (JSON: an error object)', () => {
    const empty = path.join(dir, 'empty.log');
    writeFileSync(empty, '');
    const r = runCli(['log', empty]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /The log is empty: it holds no verdict/);
    const j = runCli(['log', empty, '--json']);
    assert.equal(j.code, 1);
    const doc = JSON.parse(j.stdout);
    assert.equal(doc.error.kind, 'no-verdict');
    assert.equal(doc.programs[0].verdict, 'unknown');
    const prose = path.join(dir, 'prose.log');
    writeFileSync(prose, 'I tried to load my program and it did not work\n');
    const p = runCli(['log', prose]);
    assert.equal(p.code, 1);
    assert.match(p.stdout, /holds no verdict: it has no instruction/);
  });
});
