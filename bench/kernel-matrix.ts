/**
 * The kernel matrix's figures: time from request to verdict per kernel (5.10, 6.1, 6.12, 7.3 under QEMU TCG, and
 * the host), cold (each kernel on its own into an empty cache: package lists, the .deb, unpacking, the base
 * initramfs, the boot) and cached (a boot), and the whole matrix one kernel after the other, cold and cached.
 * Objects are built first: the build is not part of the figures. Cold runs download about 115 MB in all, twice
 * (each kernel alone, then the whole matrix), into scratch caches that are removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBpfSource } from '../core/build/clang';
import { parseKernelSpec } from '../core/kernel-matrix/catalogue';
import { verifyOnKernel, type KernelRun } from '../core/kernel-matrix/verify-on-kernel';
import { HelperClient } from '../core/loader/helper-client';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

/** The kernels of the test tier: the oldest, the one without `@ file:line`, the last before 6.14, a 7.x. */
const KERNELS = ['5.10', '6.1', '6.12', '7.3'];
const CACHED_RUNS = 3;

export async function benchKernelMatrix(repo: string, report: (name: string, value: string) => void): Promise<void> {
  const dir = path.join(repo, 'test', 'programs', 'matrix');
  const objects: string[] = [];
  for (const n of ['hash_null', 'array_null', 'range_compare']) objects.push((await buildBpfSource(path.join(dir, `${n}.bpf.c`))).object);
  const helper = new HelperClient({ helperPath: path.join(repo, 'dist', 'helper.js') });
  const scratch: string[] = [];
  const emptyCache = () => { const d = mkdtempSync(path.join(os.tmpdir(), 'ebpf-debugger-bench-cache-')); scratch.push(d); return { ...process.env, XDG_CACHE_HOME: d }; };
  const progress = (m: string) => process.stderr.write(`  (${m})\n`);
  const run = (k: string, env: NodeJS.ProcessEnv, quiet = false): Promise<KernelRun> =>
    verifyOnKernel(objects, parseKernelSpec(k), { env, loader: helper, progress: quiet ? undefined : progress });
  try {
    const warm = emptyCache();
    for (const k of KERNELS) {
      // cold: this kernel alone into an empty cache; the second cache keeps it for the cached figures
      const c = await run(k, emptyCache());
      const w = await run(k, warm, true);
      const cached: number[] = [];
      const boots: number[] = [];
      for (let i = 0; i < CACHED_RUNS; i++) {
        const t = await run(k, warm, true);
        cached.push(t.timing.totalMs);
        boots.push(t.timing.bootMs);
      }
      const release = w.reports[0]?.kernel ?? k;
      report(`kernel matrix: ${k} (${release}) cold, empty cache, 3 objects`,
        `${s(c.timing.totalMs)} to the verdicts: ${mb(c.timing.downloadedBytes)} downloaded (lists and the kernel's .deb) and unpacked in ${s(c.timing.downloadMs)}, boot ${s(c.timing.bootMs)}`);
      report(`kernel matrix: ${k} cached, 3 objects (n=${CACHED_RUNS})`, `median ${s(median(cached))} to the verdicts (QEMU TCG boot to power-off ${s(median(boots))})`);
    }
    const host: number[] = [];
    for (let i = 0; i < CACHED_RUNS; i++) host.push((await run('host', process.env, true)).timing.totalMs);
    report(`kernel matrix: host, 3 objects (n=${CACHED_RUNS})`, `median ${median(host).toFixed(0)} ms to the verdicts`);

    // the whole matrix, one kernel after the other as `verify --kernel ...` runs it
    const whole = async (env: NodeJS.ProcessEnv, quiet: boolean) => {
      const t0 = Date.now();
      let bytes = 0;
      for (const k of [...KERNELS, 'host']) bytes += (await run(k, env, quiet)).timing.downloadedBytes;
      return { ms: Date.now() - t0, bytes };
    };
    const cold = await whole(emptyCache(), false);
    report(`kernel matrix: ${KERNELS.join(' + ')} + host, cold (empty cache)`, `${s(cold.ms)}, ${mb(cold.bytes)} downloaded`);
    const cachedWhole: number[] = [];
    for (let i = 0; i < 2; i++) cachedWhole.push((await whole(warm, true)).ms);
    report(`kernel matrix: ${KERNELS.join(' + ')} + host, cached (n=2)`, cachedWhole.map(s).join(', '));
  } finally {
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
    await helper.close();
  }
}
