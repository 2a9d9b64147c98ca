/** Issue 15's CLI points: `--cflags "ARGS"` as a separate argument, quiet EPIPE, JSON whatever happens. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DIST, EXAMPLES, REPO } from '../support/paths';
import { runCli } from '../support/run-cli';

describe('verify options and output', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-cliopt-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--cflags "ARGS" as a separate argument reaches clang (as --help shows it), like --cflags=ARGS', () => {
    // the program only builds when both macros are defined by the flags
    const src = path.join(dir, 'flags.bpf.c');
    writeFileSync(src, '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n#if !defined(ONE) || TWO != 2\n#error flags missing\n#endif\n'
      + 'SEC("xdp") int flags(struct xdp_md *ctx) { return XDP_PASS; }\nchar LICENSE[] SEC("license") = "GPL";\n');
    for (const args of [['--cflags', '-DONE -DTWO=2'], ['--cflags=-DONE -DTWO=2']]) {
      const r = runCli(['verify', src, ...args, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).programs[0].verdict, 'accepted');
    }
    const without = runCli(['verify', src, '--json']);
    assert.equal(without.code, 2);
    assert.match(without.stderr, /flags missing/);
  });

  it('--help shows --cflags "ARGS", --timeout and the setup-privileges limits', () => {
    const r = runCli(['--help']);
    assert.match(r.stdout, /--cflags "ARGS"/);
    assert.match(r.stdout, /--timeout SECONDS/);
    assert.match(r.stdout, /setup-privileges .*\[--max-map-memory SIZE\] \[--max-log-buffer SIZE\]\s+\[--max-verify-seconds N\] \[--max-helpers N\]/);
  });

  it('output piped into a reader that leaves early (head) ends quietly, without an EPIPE stack trace', () => {
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${path.join(DIST, 'cli.js')}" verify "${EXAMPLES}" | head -1`], { encoding: 'utf8', cwd: REPO });
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 1);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|at .*\.js:\d+/);
  });

  it('--json prints JSON when an object holds no program', () => {
    const r = runCli(['verify', path.join(REPO, 'test', 'programs', 'bad', 'no_programs.bpf.c'), '--json']);
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.error.kind, 'no-programs');
    assert.match(doc.error.message, /holds no BPF program/);
  });

  it('a __naked program writing R10: rejected with the whole message, not "error", and not truncated', () => {
    const r = runCli(['verify', path.join(REPO, 'test', 'programs', 'frame_pointer.bpf.c'), '--json']);
    const p = JSON.parse(r.stdout).programs[0];
    assert.deepEqual([p.verdict, p.message, p.truncated], ['rejected', 'frame pointer is read only', false]);
    assert.equal(p.explanation.id, 'frame-pointer');
  });

  it('--json prints a JSON error object for a usage error', () => {
    const r = runCli(['verify', '--json', '--log-level', '9', path.join(EXAMPLES, 'count_ok.bpf.c')]);
    assert.equal(r.code, 2);
    assert.match(JSON.parse(r.stdout).error.message, /--log-level must be 1\.\.7/);
  });
});
