/**
 * Fuzz the ELF/BTF/BTF.ext readers with truncated and bit-flipped real objects:
 * `node --import tsx scripts/fuzz-object.ts [count]` (default 10,000). Typed errors are expected; a crash is not.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rng } from '../test/fuzz/log-mutator';
import { exerciseObject, mutateObject } from '../test/fuzz/object-mutator';

const count = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-fuzz-obj-'));
const repo = path.resolve(__dirname, '..');
const objects = readdirSync(path.join(repo, 'examples')).filter((f) => f.endsWith('.bpf.c')).map((f) => {
  const out = path.join(dir, f + '.o');
  execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', path.join(repo, 'examples', f), '-o', out]);
  return readFileSync(out);
});
const tally = { ok: 0, rejected: 0 };
let slowest = 0;
const t0 = performance.now();
for (let seed = 1; seed <= count; seed++) {
  const r = rng(seed);
  const input = mutateObject(objects[seed % objects.length], r);
  const s = performance.now();
  try {
    tally[exerciseObject(input)]++;
  } catch (e) {
    console.error(`seed ${seed} crashed the readers:`, e);
    process.exit(1);
  }
  slowest = Math.max(slowest, performance.now() - s);
}
console.log(`${count} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${tally.ok} read, ${tally.rejected} refused with a typed error, no crash; slowest ${slowest.toFixed(1)} ms`);
