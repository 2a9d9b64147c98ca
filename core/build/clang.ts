import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EbpfError } from '../errors';
import { execFile } from '../util/exec';
import { buildCacheDir, cacheDirPath } from './cache-dir';
import { ensureVmlinuxHeader, includesVmlinuxHeader } from './vmlinux';

export interface BuildOptions {
  /** clang executable (default: `clang` on PATH). */
  clang?: string;
  /** bpftool executable that generates vmlinux.h for a source including it (default: `bpftool` on PATH). */
  bpftool?: string;
  /** Extra arguments appended after the defaults (e.g. -I paths, -D flags). */
  extraArgs?: string[];
  /** Where objects go; default: the per-user build cache ($XDG_CACHE_HOME/ebpf-debugger, core/build/cache-dir.ts). */
  outDir?: string;
  /** Aborting kills clang; the build then fails with a 'cancelled' error (a newer save in the editor). */
  signal?: AbortSignal;
}

export interface BuildResult {
  object: string;
  command: string[];
  /** clang's warnings (the build succeeded). */
  diagnostics: string;
}

/** A clang diagnostic line: `file:line:col: error: message`. */
export interface ClangDiagnostic { file: string; line: number; column: number; severity: 'error' | 'warning' | 'note'; message: string }

const CLANG_DIAG_RE = /^(.+?):(\d+):(\d+): (error|warning|note): (.*)$/;

export function parseClangDiagnostics(stderr: string): ClangDiagnostic[] {
  const out: ClangDiagnostic[] = [];
  for (const line of stderr.split('\n')) {
    const m = CLANG_DIAG_RE.exec(line);
    if (m) out.push({ file: m[1], line: Number(m[2]), column: Number(m[3]), severity: m[4] as ClangDiagnostic['severity'], message: m[5] });
  }
  return out;
}

export class BuildError extends EbpfError {
  constructor(message: string, readonly stderr: string, readonly diagnostics: ClangDiagnostic[]) {
    super('build-failed', message);
  }
}

/** Debian and Ubuntu keep asm/ headers under the multiarch directory, which `-target bpf` does not search. */
function multiarchIncludes(): string[] {
  const dirs = ['/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu'];
  const arch = process.arch === 'arm64' ? dirs[1] : dirs[0];
  return existsSync(arch) ? ['-I', arch] : [];
}

export function isBpfSource(file: string): boolean {
  return file.endsWith('.c');
}

/** Where buildBpfSource puts the object of a source by default: a cache directory keyed by the source's path. */
export function cachedObjectPath(source: string): string {
  const abs = path.resolve(source);
  const key = createHash('sha256').update(abs).digest('hex').slice(0, 12);
  return path.join(cacheDirPath(), 'build', key, path.basename(abs).replace(/\.c$/, '') + '.o');
}

/**
 * Compile one eBPF C source with `clang -g -O2 -target bpf`. The object lands in a cache directory keyed by
 * the source path, so sources are never polluted and repeated builds overwrite the same file.
 */
export async function buildBpfSource(source: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const abs = path.resolve(source);
  if (!existsSync(abs)) throw new EbpfError('file-not-found', `${abs}: no such file.`);
  if (!statSync(abs).isFile()) throw new EbpfError('usage', `${abs} is not a file.`);
  if (!opts.outDir) buildCacheDir(); // created 0700, or refused if it is not safe to build into
  const object = opts.outDir ? path.join(path.resolve(opts.outDir), path.basename(abs).replace(/\.c$/, '') + '.o') : cachedObjectPath(abs);
  mkdirSync(path.dirname(object), { recursive: true });

  const includes = ['-I', path.dirname(abs), ...multiarchIncludes()];
  if (includesVmlinuxHeader(readFileSync(abs, 'utf8')) && !existsSync(path.join(path.dirname(abs), 'vmlinux.h'))) {
    includes.push('-I', await ensureVmlinuxHeader(opts.bpftool));
  }
  const target = process.arch === 'arm64' ? '__TARGET_ARCH_arm64' : '__TARGET_ARCH_x86';
  const args = ['-g', '-O2', '-target', 'bpf', `-D${target}`, ...includes, ...(opts.extraArgs ?? []), '-c', abs, '-o', object];
  const clang = opts.clang ?? 'clang';
  const res = await execFile(clang, args, { cwd: path.dirname(abs), timeoutMs: 120_000, signal: opts.signal });
  if (opts.signal?.aborted) throw new EbpfError('cancelled', `The build of ${abs} was cancelled.`);
  if (res.spawnError) {
    throw new EbpfError('clang-missing', `Cannot run ${clang}: ${res.spawnError.code ?? res.spawnError.message}.`,
      'Install clang and llvm (Debian/Ubuntu: `sudo apt-get install clang llvm libbpf-dev`) or set the clang path.');
  }
  if (res.code !== 0) {
    const diags = parseClangDiagnostics(res.stderr);
    const first = diags.find((d) => d.severity === 'error');
    const where = first ? `${first.file}:${first.line}:${first.column}: ${first.message}` : res.stderr.trim().split('\n')[0] ?? '';
    throw new BuildError(`clang failed to build ${abs}: ${where}`, res.stderr, diags);
  }
  return { object, command: [clang, ...args], diagnostics: res.stderr };
}
