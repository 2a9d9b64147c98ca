// Before `vsce package` (vscode:prepublish): copy the newest libbpf that scripts/build-libbpf.sh built into
// dist/libbpf/<version>/ with its licence files, where the helper looks after the built one and before the system's
// (debug-adapter/kernel/libbpf-choice.ts). Without a built libbpf the VSIX uses the system's, and this says so.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILT = process.env.EBPF_LIBBPF_DIR || '/var/cache/ebpf-debugger/libbpf';
const OUT = process.env.EBPF_BUNDLE_LIBBPF_OUT || path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'libbpf');
const key = (v) => v.split('.').map((n) => Number(n) || 0);
const newer = (a, b) => { const [x, y] = [key(a), key(b)]; for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (y[i] ?? 0) - (x[i] ?? 0); return 0; };

const versions = existsSync(BUILT) ? readdirSync(BUILT).filter((v) => /^\d+\.\d+(\.\d+)?$/.test(v) && existsSync(path.join(BUILT, v, 'libbpf.so.1'))).sort(newer) : [];
rmSync(OUT, { recursive: true, force: true });
if (versions.length === 0) {
  console.warn(`bundle-libbpf: no libbpf built under ${BUILT} (run scripts/build-libbpf.sh): the VSIX will use the system's libbpf`);
} else {
  const v = versions[0];
  mkdirSync(path.join(OUT, v), { recursive: true });
  for (const f of readdirSync(path.join(BUILT, v))) if (f === 'libbpf.so.1' || f.startsWith('LICENSE')) copyFileSync(path.join(BUILT, v, f), path.join(OUT, v, f));
  console.log(`bundle-libbpf: libbpf ${v} -> dist/libbpf/${v}/`);
}
