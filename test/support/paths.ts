import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const DIST = path.join(REPO, 'dist');
export const EXAMPLES = path.join(REPO, 'examples');
/** shared/ sits beside the repository (CI clones main with shared/ next to it). */
export const SHARED_FIXTURES = path.resolve(REPO, '..', 'shared', 'fixtures');
export const KERNEL_MATRIX = path.join(SHARED_FIXTURES, 'logs', 'kernel-matrix');
