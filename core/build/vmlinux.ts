import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EbpfError } from '../errors';
import { execFile } from '../util/exec';
import { buildCacheDir } from './cache-dir';

export function includesVmlinuxHeader(source: string): boolean {
  return /^\s*#\s*include\s*[<"]vmlinux\.h[>"]/m.test(source);
}

/**
 * Generate vmlinux.h for the running kernel once (per kernel release) with
 * `bpftool btf dump file /sys/kernel/btf/vmlinux format c`, and return the directory holding it.
 */
export async function ensureVmlinuxHeader(bpftool = 'bpftool'): Promise<string> {
  const dir = path.join(buildCacheDir(), 'vmlinux', os.release());
  const header = path.join(dir, 'vmlinux.h');
  if (existsSync(header)) return dir;
  if (!existsSync('/sys/kernel/btf/vmlinux')) {
    throw new EbpfError('file-not-found', 'The source includes vmlinux.h but this kernel exposes no BTF (/sys/kernel/btf/vmlinux).',
      'Put a vmlinux.h next to the source, or use a kernel built with CONFIG_DEBUG_INFO_BTF=y.');
  }
  const res = await execFile(bpftool, ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'c'], { timeoutMs: 120_000 });
  if (res.spawnError) {
    throw new EbpfError('bpftool-missing', `The source includes vmlinux.h, which is generated with bpftool, but ${bpftool} cannot be run: ${res.spawnError.code ?? res.spawnError.message}.`,
      'Install it (Debian/Ubuntu: `sudo apt-get install bpftool` or `linux-tools-$(uname -r)`) or set its path (ebpf.bpftool.path in the editor), or put a vmlinux.h next to the source.');
  }
  if (res.code !== 0) throw new EbpfError('build-failed', `bpftool could not dump the kernel BTF: ${res.stderr.trim()}`);
  mkdirSync(dir, { recursive: true });
  const tmp = `${header}.${process.pid}.tmp`;
  writeFileSync(tmp, res.stdout);
  renameSync(tmp, header); // atomic: concurrent builds never read half a header
  return dir;
}
