/**
 * The loader helper process itself under 10,000 mutated objects (truncated, bit-flipped, one section changed),
 * through its checks, libbpf 1.1 and the kernel: every input answered, no crash, no hang, nothing left loaded.
 * Without the helper's checks libbpf 1.1 crashed (SIGSEGV) on 5 of these 10,000.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { fuzzHelper } from '../fuzz/helper-fuzz';
import { DIST, EXAMPLES } from '../support/paths';
import { ensureTestUser, removeDir, removeTestUser, rootDir } from '../support/sudo-user';

const COUNT = 10_000;

describe('the helper under mutated objects', () => {
  it(`${COUNT} mutated objects from a user (root playing sudo): every one answered, 0 crashes, 0 hangs`, { timeout: 600_000 }, async () => {
    const user = ensureTestUser();
    const dir = rootDir('ebpf-helper-fuzz-'); // the user reads the inputs
    const objects = readdirSync(EXAMPLES).filter((f) => f.endsWith('.bpf.c')).map((f) => {
      const out = path.join(dir, `${f}.o`);
      execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', path.join(EXAMPLES, f), '-o', out]);
      return readFileSync(out);
    });
    const before = await kernelObjectsQuiet();
    const t = await fuzzHelper({ helperPath: path.join(DIST, 'helper.js'), objects, count: COUNT, dir, env: user.env });
    console.log(`helper fuzz: ${JSON.stringify({ ...t, crashes: t.crashes.length, hangs: t.hangs.length })}`);
    assert.deepEqual(t.crashes, [], 'the helper never dies');
    assert.deepEqual(t.hangs, [], 'the helper always answers');
    assert.equal(t.inputs, COUNT);
    assert.deepEqual(Object.keys(t.otherErrors).filter((k) => k !== 'limit-exceeded'), [], 'only limits refuse otherwise');
    assert.equal(t.loaded + t.refusedByChecks + t.refusedByLibbpf + Object.values(t.otherErrors).reduce((a, b) => a + b, 0), COUNT, 'every input answered');
    assert.ok(t.loaded > COUNT / 10 && t.refusedByChecks > COUNT / 10, 'the mutations reach both the checks and the kernel');
    assert.deepEqual(await kernelObjectsSettled(before), before, 'nothing left loaded');
    removeDir(dir);
    removeTestUser(user);
  });
});
