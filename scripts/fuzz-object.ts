/**
 * Fuzz with truncated, bit-flipped and section-mutated real objects:
 * `node --import tsx scripts/fuzz-object.ts [count] [--readers-only | --helper-only] [--user NAME]` (default 10,000 each).
 * 1. Our ELF/BTF/BTF.ext readers in process: typed errors are expected; a crash is not.
 * 2. The loader helper process itself (dist/helper.js; `npm run build` first), through libbpf and the kernel:
 *    every input answered, no crash, no hang. Crashing inputs are kept (their paths are printed). With --user (as
 *    root), the helper runs as sudo would start it for that user: dropped to them, with the limits.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fuzzHelper } from '../test/fuzz/helper-fuzz';
import { rng } from '../test/fuzz/log-mutator';
import { exerciseObject, mutateObject } from '../test/fuzz/object-mutator';

const args = process.argv.slice(2);
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-fuzz-obj-'));
const repo = path.resolve(__dirname, '..');
const objects = readdirSync(path.join(repo, 'examples')).filter((f) => f.endsWith('.bpf.c')).map((f) => {
  const out = path.join(dir, f + '.o');
  execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c', path.join(repo, 'examples', f), '-o', out]);
  return readFileSync(out);
});

function fuzzReaders(): void {
  const tally = { ok: 0, rejected: 0 };
  let slowest = 0;
  const t0 = performance.now();
  for (let seed = 1; seed <= count; seed++) {
    const input = mutateObject(objects[seed % objects.length], rng(seed));
    const s = performance.now();
    try {
      tally[exerciseObject(input)]++;
    } catch (e) {
      console.error(`seed ${seed} crashed the readers:`, e);
      process.exit(1);
    }
    slowest = Math.max(slowest, performance.now() - s);
  }
  console.log(`readers: ${count} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${tally.ok} read, ${tally.rejected} refused with a typed error, no crash; slowest ${slowest.toFixed(1)} ms`);
}

async function fuzzTheHelper(): Promise<void> {
  const helperPath = path.join(repo, 'dist', 'helper.js');
  if (!existsSync(helperPath)) throw new Error('dist/helper.js is missing: run `npm run build` first');
  const name = args[args.indexOf('--user') + 1];
  let env: NodeJS.ProcessEnv | undefined;
  if (args.includes('--user')) {
    env = { SUDO_UID: execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim(), SUDO_GID: execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim() };
    chmodSync(dir, 0o755);
  }
  const t = await fuzzHelper({ helperPath, objects, count, dir, env });
  console.log(`helper: ${t.inputs} objects in ${t.seconds.toFixed(1)} s: ${t.loaded} loaded, ${t.refusedByChecks} refused by the helper's checks, `
    + `${t.refusedByLibbpf} refused by libbpf, other errors ${JSON.stringify(t.otherErrors)}; ${t.crashes.length} crashes, ${t.hangs.length} hangs; slowest ${t.slowestMs.toFixed(0)} ms`);
  for (const c of t.crashes) console.error(`crash: seed ${c.seed}: ${c.why} (${c.file})`);
  for (const h of t.hangs) console.error(`hang: seed ${h.seed} (${h.file})`);
  if (t.crashes.length || t.hangs.length) process.exit(1);
}

(async () => {
  if (!args.includes('--helper-only')) fuzzReaders();
  if (!args.includes('--readers-only')) await fuzzTheHelper();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
