import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corpus, exercise, mutate, rng } from '../fuzz/log-mutator';

describe('log engine under mutated real logs (scripts/fuzz-log.ts runs 100,000)', () => {
  it('3,000 mutations of the kernel-matrix logs: no throw, no input slower than 1 s', { timeout: 120_000 }, () => {
    const logs = corpus();
    let slowest = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      const input = mutate(logs[seed % logs.length], r, logs[(seed * 7) % logs.length]);
      try {
        slowest = Math.max(slowest, exercise(input, r));
      } catch (e) {
        assert.fail(`seed ${seed} threw: ${(e as Error).stack}`);
      }
    }
    assert.ok(slowest < 1000, `slowest input took ${slowest.toFixed(0)} ms`);
  });
});
