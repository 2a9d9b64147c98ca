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
