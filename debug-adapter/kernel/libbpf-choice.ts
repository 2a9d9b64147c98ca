/**
 * Which libbpf the helper loads: EBPF_DEBUGGER_LIBBPF when set, else the newest one scripts/build-libbpf.sh built
 * (a current release: Debian 12's 1.1 cannot open arena maps or newer struct_ops), else the system's libbpf.so.1.
 * A built library is taken only when it and its directory are owned by root and writable by no one else, and
 * EBPF_DEBUGGER_LIBBPF only when root itself asked: started for a user (sudo), the helper keeps CAP_BPF, CAP_PERFMON
 * and CAP_NET_ADMIN, so a library the user chose or wrote would run the user's code with them.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { compareVersions } from '../../core/util/version';

export const BUILT_LIBBPF_DIR = '/var/cache/ebpf-debugger/libbpf';
export const SYSTEM_LIBBPF = 'libbpf.so.1';
/** A VSIX can carry the built library next to the helper: dist/libbpf/<version>/libbpf.so.1. */
export const BUNDLED_LIBBPF_DIR = path.join(__dirname, 'libbpf');

export interface LibbpfCandidate { path: string; source: 'env' | 'built' | 'system' }

function safeToLoad(file: string): boolean {
  for (const p of [file, path.dirname(file)]) {
    const st = statSync(p);
    if (st.uid !== 0 || (st.mode & 0o022) !== 0) return false;
  }
  return true;
}

/** Built libraries under `dir`, newest version first. */
export function builtLibbpfs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((v) => /^\d+\.\d+(\.\d+)?$/.test(v))
    .sort((a, b) => compareVersions(b, a))
    .map((v) => path.join(dir, v, 'libbpf.so.1')).filter((f) => existsSync(f) && safeToLoad(f));
}

/**
 * The libraries to try, in order. Root (tests) can name one with EBPF_DEBUGGER_LIBBPF, or point the built directory
 * and the system name elsewhere with EBPF_DEBUGGER_LIBBPF_DIR and EBPF_DEBUGGER_SYSTEM_LIBBPF.
 */
export function libbpfCandidates(env: NodeJS.ProcessEnv = process.env, bundledDir = BUNDLED_LIBBPF_DIR): LibbpfCandidate[] {
  // after the drop to a requesting user the uid is theirs: root is the one caller whose choice is safe to load
  const root = process.getuid?.() === 0;
  if (root && env.EBPF_DEBUGGER_LIBBPF) return [{ path: env.EBPF_DEBUGGER_LIBBPF, source: 'env' }];
  const dir = (root && env.EBPF_DEBUGGER_LIBBPF_DIR) || BUILT_LIBBPF_DIR;
  const system = (root && env.EBPF_DEBUGGER_SYSTEM_LIBBPF) || SYSTEM_LIBBPF;
  const built = [...builtLibbpfs(dir), ...(env.EBPF_DEBUGGER_LIBBPF_DIR ? [] : builtLibbpfs(bundledDir))];
  return [...built.map((p) => ({ path: p, source: 'built' as const })), { path: system, source: 'system' }];
}

/** The first candidate `load` accepts; the failures say why each was passed over. */
export function chooseLibbpf<T>(candidates: LibbpfCandidate[], load: (file: string) => T): { lib: T; chosen: LibbpfCandidate; passedOver: string[] } {
  const passedOver: string[] = [];
  for (const c of candidates) {
    try {
      return { lib: load(c.path), chosen: c, passedOver };
    } catch (e) {
      passedOver.push(`${c.path}: ${(e as Error).message}`);
    }
  }
  throw new Error(passedOver.join('\n'));
}
