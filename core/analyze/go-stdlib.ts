import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where the sources of an imported Go package are on this machine: the toolchain's GOROOT/src for the standard
 * library, the module's vendor/ directory, a `replace` to a local directory, or the module cache for a required
 * module. Nothing is downloaded: a package that is not there is reported missing, with what would make it known.
 */

export interface GoToolchain {
  goroot: string | null;
  modcache: string | null;
  /** The toolchain's minor version (go1.19 → 19), for `//go:build go1.N` lines. */
  minor: number;
}

let toolchain: GoToolchain | undefined;

/** `go env`, asked once per process; without a go binary, GOROOT/GOMODCACHE/GOPATH from the environment. */
export function goToolchain(): GoToolchain {
  if (toolchain) return toolchain;
  let goroot = process.env.GOROOT || null;
  let modcache = process.env.GOMODCACHE || (process.env.GOPATH ? path.join(process.env.GOPATH.split(path.delimiter)[0], 'pkg', 'mod') : path.join(os.homedir(), 'go', 'pkg', 'mod'));
  let version = '';
  try {
    const [r, m, v] = execFileSync('go', ['env', 'GOROOT', 'GOMODCACHE', 'GOVERSION'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
    goroot = r.trim() || goroot;
    modcache = m.trim() || modcache;
    version = v.trim();
  } catch {
    // no toolchain: the environment's answers, or none
  }
  if (goroot && !version) version = readVersionFile(goroot);
  toolchain = { goroot: goroot && existsSync(path.join(goroot, 'src')) ? goroot : null, modcache: existsSync(modcache) ? modcache : null,
    minor: Number(/^go1\.(\d+)/.exec(version)?.[1] ?? 21) };
  return toolchain;
}

function readVersionFile(goroot: string): string {
  try { return readFileSync(path.join(goroot, 'VERSION'), 'utf8').split('\n')[0]; } catch { return ''; }
}

/** What a go.mod says: the module path, required versions, replacements. */
export interface GoModFile {
  root: string;
  module: string;
  require: Map<string, string>;
  replace: Map<string, { dir?: string; module?: string; version?: string }>;
}

export function readGoMod(root: string): GoModFile | null {
  let text: string;
  try { text = readFileSync(path.join(root, 'go.mod'), 'utf8'); } catch { return null; }
  const module = /^\s*module\s+"?([^\s"]+)"?/m.exec(text)?.[1];
  if (!module) return null;
  const require = new Map<string, string>();
  const replace: GoModFile['replace'] = new Map();
  const body = text.replace(/\/\/.*$/gm, '');
  for (const block of body.matchAll(/^\s*(require|replace)\s*(?:\(([^)]*)\)|(.*))$/gm)) {
    for (const line of (block[2] ?? block[3] ?? '').split('\n').map((l) => l.trim()).filter(Boolean)) {
      if (block[1] === 'require') {
        const [p, v] = line.split(/\s+/);
        if (p && v) require.set(p, v);
      } else {
        const m = /^(\S+)(?:\s+\S+)?\s*=>\s*(\S+)(?:\s+(\S+))?$/.exec(line);
        if (m) replace.set(m[1], m[2].startsWith('.') || m[2].startsWith('/') ? { dir: path.resolve(root, m[2]) } : { module: m[2], version: m[3] });
      }
    }
  }
  return { root, module, require, replace };
}

/** The module cache's spelling of a path: capitals as `!` and the lower-case letter. */
const escapePath = (p: string) => p.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
const isStd = (importPath: string) => !importPath.split('/')[0].includes('.');

/** The directory of an imported package, or why it is not on this machine. */
export function packageDir(importPath: string, mod: GoModFile | null): { dir: string } | { missing: string } {
  const tc = goToolchain();
  if (isStd(importPath)) {
    if (!tc.goroot) return { missing: `${importPath} is in the standard library, whose sources were not found (no GOROOT: install the Go toolchain)` };
    const dir = path.join(tc.goroot, 'src', importPath);
    return existsSync(dir) ? { dir } : { missing: `${importPath} is not in this toolchain's standard library (GOROOT ${tc.goroot})` };
  }
  if (mod) {
    const vendored = path.join(mod.root, 'vendor', importPath);
    if (existsSync(vendored)) return { dir: vendored };
    // the longest module path that the import path starts with
    const owners = [...new Set([...mod.require.keys(), ...mod.replace.keys()])].filter((m) => importPath === m || importPath.startsWith(`${m}/`)).sort((a, b) => b.length - a.length);
    const owner = owners[0];
    if (owner) {
      const sub = importPath.slice(owner.length);
      const rep = mod.replace.get(owner);
      if (rep?.dir) return existsSync(path.join(rep.dir, sub)) ? { dir: path.join(rep.dir, sub) } : { missing: `${importPath} is replaced by ${rep.dir}, which does not have it` };
      const target = rep?.module ?? owner;
      const version = rep?.version ?? mod.require.get(owner);
      if (version && tc.modcache) {
        const dir = path.join(tc.modcache, `${escapePath(target)}@${escapePath(version)}`, sub);
        if (existsSync(dir)) return { dir };
      }
      return { missing: `${importPath} (${target}${version ? ` ${version}` : ''}) is not in the module cache${tc.modcache ? ` (${tc.modcache})` : ''} or vendor/: run \`go mod download\` (or \`go mod vendor\`)` };
    }
    return { missing: `${importPath} is not required by ${path.join(mod.root, 'go.mod')}` };
  }
  return { missing: `${importPath} is outside this module, and no go.mod was found to tell its version` };
}

const GOOS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd',
  'plan9', 'solaris', 'wasip1', 'windows', 'zos']);
const GOARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le',
  'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);
const UNIX = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'linux', 'netbsd', 'openbsd', 'solaris']);

/** Whether a build tag holds for linux on `arch` with the gc toolchain (cgo on, as on a native build). */
function tagHolds(tag: string, arch: string, minor: number): boolean {
  if (tag === 'linux' || tag === arch || tag === 'gc' || tag === 'cgo') return true;
  if (tag === 'unix') return UNIX.has('linux');
  const go = /^go1\.(\d+)$/.exec(tag);
  return go ? Number(go[1]) <= minor : false;
}

/** A `//go:build` expression (`linux && (amd64 || arm64) && !purego`). */
export function evalBuildExpr(expr: string, holds: (tag: string) => boolean): boolean {
  const tokens = expr.match(/\|\||&&|!|\(|\)|[\w.]+/g) ?? [];
  let i = 0;
  const or = (): boolean => { let v = and(); while (tokens[i] === '||') { i++; const r = and(); v = v || r; } return v; };
  const and = (): boolean => { let v = not(); while (tokens[i] === '&&') { i++; const r = not(); v = v && r; } return v; };
  const not = (): boolean => {
    if (tokens[i] === '!') { i++; return !not(); }
    if (tokens[i] === '(') { i++; const v = or(); i++; return v; }
    return holds(tokens[i++] ?? '');
  };
  return or();
}

/** Whether a file of a package is built for linux/`arch`: its name's GOOS/GOARCH suffix, then its //go:build line. */
export function builtFor(file: string, text: string, arch = 'amd64', minor = goToolchain().minor): boolean {
  const parts = path.basename(file, '.go').split('_');
  const last = parts[parts.length - 1];
  const prev = parts.length > 2 ? parts[parts.length - 2] : undefined;
  if (parts.length > 1 && GOARCH.has(last)) {
    if (last !== arch) return false;
    if (prev && GOOS.has(prev) && prev !== 'linux') return false;
  } else if (parts.length > 1 && GOOS.has(last) && last !== 'linux') return false;
  const header = text.slice(0, text.search(/^package\s/m) >>> 0);
  const line = /^\/\/go:build\s+(.+)$/m.exec(header);
  return line ? evalBuildExpr(line[1], (t) => tagHolds(t, arch, minor)) : true;
}

/** The non-test Go files of a directory that are built for linux/amd64, by name (at most `limit`). */
export function buildFiles(dir: string, limit: number): string[] {
  let names: string[];
  try { names = readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort(); } catch { return []; }
  const out: string[] = [];
  for (const n of names) {
    const file = path.join(dir, n);
    try {
      if (statSync(file).size > 2 << 20) continue;
      const head = readFileSync(file, 'utf8').slice(0, 4096);
      if (builtFor(file, head)) out.push(file);
    } catch { /* unreadable */ }
    if (out.length >= limit) break;
  }
  return out;
}
