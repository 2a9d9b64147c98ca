/**
 * The kernel matrix's figures: time from request to verdict per kernel, cold (the Debian 6.1 image downloaded into
 * an empty cache: package lists, the .deb, unpacking, the base initramfs) and cached (a boot under TCG), the host
 * for comparison, and the whole matrix. Objects are built first: the build is not part of the figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBpfSource } from '../core/build/clang';
import { parseKernelSpec } from '../core/kernel-matrix/catalogue';
import { verifyOnKernel } from '../core/kernel-matrix/verify-on-kernel';
import { HelperClient } from '../core/loader/helper-client';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchKernelMatrix(repo: string, report: (name: string, value: string) => void): Promise<void> {
  const dir = path.join(repo, 'test', 'programs', 'matrix');
  const objects: string[] = [];
  for (const n of ['hash_null', 'array_null', 'range_compare']) objects.push((await buildBpfSource(path.join(dir, `${n}.bpf.c`))).object);
  const helper = new HelperClient({ helperPath: path.join(repo, 'dist', 'helper.js') });
  const old = parseKernelSpec('6.1');
  const host = parseKernelSpec('host');
  const cold = mkdtempSync(path.join(os.tmpdir(), 'ebpf-debugger-bench-cache-'));
  try {
    const c = await verifyOnKernel(objects, old, { env: { ...process.env, XDG_CACHE_HOME: cold } });
    report('kernel matrix: 6.1 cold (empty cache)', `${(c.timing.totalMs / 1000).toFixed(1)} s to the verdicts: ${(c.timing.downloadedBytes / 1e6).toFixed(1)} MB downloaded and unpacked in ${(c.timing.downloadMs / 1000).toFixed(1)} s, boot ${(c.timing.bootMs / 1000).toFixed(1)} s`);
    const times = { old: [] as number[], boot: [] as number[], host: [] as number[], matrix: [] as number[] };
    for (let i = 0; i < 3; i++) {
      const t = await verifyOnKernel(objects, old, { env: { ...process.env, XDG_CACHE_HOME: cold } });
      times.old.push(t.timing.totalMs);
      times.boot.push(t.timing.bootMs);
      const h = await verifyOnKernel(objects, host, { loader: helper });
      times.host.push(h.timing.totalMs);
      times.matrix.push(t.timing.totalMs + h.timing.totalMs);
    }
    report(`kernel matrix: 6.1 cached, 3 objects (n=3)`, `median ${(median(times.old) / 1000).toFixed(2)} s to the verdicts (QEMU TCG boot to power-off ${(median(times.boot) / 1000).toFixed(2)} s)`);
    report('kernel matrix: host, 3 objects (n=3)', `median ${median(times.host).toFixed(0)} ms to the verdicts`);
    report('kernel matrix: 6.1 + host, one after the other', `median ${(median(times.matrix) / 1000).toFixed(2)} s`);
  } finally {
    rmSync(cold, { recursive: true, force: true });
    await helper.close();
  }
}
