import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { rng } from '../fuzz/log-mutator';
import { exerciseObject, mutateObject } from '../fuzz/object-mutator';
import { EXAMPLES } from '../support/paths';

describe('object readers under truncated and bit-flipped objects (scripts/fuzz-object.ts runs 10,000)', () => {
  it('2,000 mutations: typed errors or a result, never a crash or a hang', { timeout: 120_000 }, () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'ebpf-objfuzz-')), 'x.o');
    execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', path.join(EXAMPLES, 'subprog_reject.bpf.c'), '-o', out]);
    const base = readFileSync(out);
    const tally = { ok: 0, rejected: 0 };
    for (let seed = 1; seed <= 2000; seed++) {
      try {
        tally[exerciseObject(mutateObject(base, rng(seed)))]++;
      } catch (e) {
        assert.fail(`seed ${seed}: ${(e as Error).stack}`);
      }
    }
    assert.ok(tally.ok > 0 && tally.rejected > 0, JSON.stringify(tally));
  });
});
