/**
 * Before `vsce package` (vscode:prepublish): copy the newest libbpf that scripts/build-libbpf.sh built into
 * dist/libbpf/<version>/ with its licence files, where the helper looks after the built one and before the system's
 * (debug-adapter/kernel/libbpf-choice.ts). Without a built libbpf the VSIX uses the system's, and this says so.
 * `node --import tsx scripts/bundle-libbpf.ts`; EBPF_LIBBPF_DIR and EBPF_BUNDLE_LIBBPF_OUT move its two directories.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { compareVersions } from '../core/util/version';

/**
 * The versions built under `built`, newest first in the project's one version ordering (1.10.0 above 1.9.0). A
 * directory counts when it is named like a release and holds libbpf.so.1: build-libbpf.sh keeps its apt state
 * beside the versions, and a failed build leaves a directory without the library.
 */
export function builtVersions(built: string): string[] {
  if (!existsSync(built)) return [];
  return readdirSync(built)
    .filter((v) => /^\d+\.\d+(\.\d+)?$/.test(v) && existsSync(path.join(built, v, 'libbpf.so.1')))
    .sort((a, b) => compareVersions(b, a));
}

function bundle(built: string, out: string): void {
  const [newest] = builtVersions(built);
  rmSync(out, { recursive: true, force: true });
  if (newest === undefined) {
    console.warn(`bundle-libbpf: no libbpf built under ${built} (run scripts/build-libbpf.sh): the VSIX will use the system's libbpf`);
    return;
  }
  mkdirSync(path.join(out, newest), { recursive: true });
  for (const f of readdirSync(path.join(built, newest))) {
    if (f === 'libbpf.so.1' || f.startsWith('LICENSE')) copyFileSync(path.join(built, newest, f), path.join(out, newest, f));
  }
  console.log(`bundle-libbpf: libbpf ${newest} -> dist/libbpf/${newest}/`);
}

if (require.main === module) {
  bundle(process.env.EBPF_LIBBPF_DIR || '/var/cache/ebpf-debugger/libbpf',
    process.env.EBPF_BUNDLE_LIBBPF_OUT || path.join(__dirname, '..', 'dist', 'libbpf'));
}
