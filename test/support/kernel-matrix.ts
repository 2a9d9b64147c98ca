import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KERNEL_MATRIX } from './paths';

/** The output for one program of a kernel-matrix run: the lines between `=== BEGIN name` and `=== END name`. */
export function matrixBlock(level: 1 | 2, kernelFile: string, program: string): string {
  const text = readFileSync(path.join(KERNEL_MATRIX, `level${level}`, kernelFile), 'utf8');
  const begin = text.indexOf(`=== BEGIN ${program} `);
  if (begin < 0) throw new Error(`no block for ${program} in ${kernelFile}`);
  const end = text.indexOf(`=== END ${program} `, begin);
  return text.slice(text.indexOf('\n', begin) + 1, end);
}

export const MATRIX_KERNELS = ['5.10-cloud.txt', '6.1.txt', '6.12.txt', '6.18-cloud.txt', '7.3-cloud.txt'];

/**
 * The Debian kernels a kernel-matrix test boots, fetched into the user's cache before the tests run (so that no CLI
 * run inside a test pays the download against its timeout). Null when every one is there, else why one cannot be
 * had: only an unreachable mirror counts, any other failure is the test's to report.
 */
export async function fetchMatrixKernels(series: string[], say: (m: string) => void): Promise<string | null> {
  const { parseKernelSpec } = await import('../../core/kernel-matrix/catalogue');
  const { ensureKernel } = await import('../../core/kernel-matrix/kernel-store');
  for (const s of series) {
    const started = Date.now();
    try {
      const k = await ensureKernel(parseKernelSpec(s) as Extract<ReturnType<typeof parseKernelSpec>, { kind: 'debian' }>, { progress: say });
      if (k.downloadedBytes > 0) say(`${k.release}: ${(k.downloadedBytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (e) {
      const m = (e as Error).message;
      // a package the mirror lacks (404) is not an unreachable mirror: that failure is the test's
      if (/Could not resolve|Temporary failure resolving|Unable to connect|Could not connect|Connection (refused|timed out)|Network is unreachable/i.test(m)) {
        return `Debian's mirror is unreachable, kernel ${s} cannot be had: ${m}`;
      }
      throw e;
    }
  }
  return null;
}

/** Why the VM kernels cannot boot here (no QEMU), or false: a test's skip reason. */
export function qemuMissing(): string | false {
  try {
    execFileSync('qemu-system-x86_64', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86): the VM kernels cannot boot';
  }
}
