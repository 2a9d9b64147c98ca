import os from 'node:os';
import path from 'node:path';

/** Per-user scratch directory for built objects and generated headers. */
export function buildCacheDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(os.tmpdir(), `ebpf-debugger-${uid}`);
}
