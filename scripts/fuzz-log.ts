/**
 * Fuzz the verifier log engine: `node --import tsx scripts/fuzz-log.ts [count] [firstSeed]` (default 100,000).
 * Mutates real logs (truncations, bit flips, spliced lines, junk) and runs everything the engine offers on each.
 * A failing seed is printed so it can be replayed.
 */
import { corpus, exercise, mutate, rng } from '../test/fuzz/log-mutator';

const count = Number(process.argv[2] ?? 100_000);
const first = Number(process.argv[3] ?? 1);
const logs = corpus();
let slowest = 0;
let slowestSeed = first;
let bytes = 0;
const t0 = performance.now();
for (let seed = first; seed < first + count; seed++) {
  const r = rng(seed);
  const input = mutate(logs[seed % logs.length], r, logs[(seed * 7) % logs.length]);
  bytes += input.length;
  try {
    const ms = exercise(input, r);
    if (ms > slowest) [slowest, slowestSeed] = [ms, seed];
  } catch (e) {
    console.error(`seed ${seed} threw:`, e);
    process.exit(1);
  }
}
console.log(`${count} inputs (${(bytes / 1e6).toFixed(1)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s; none threw; slowest ${slowest.toFixed(1)} ms (seed ${slowestSeed})`);
