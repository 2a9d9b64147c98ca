import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pair } from './pair-model';
import { goTypesText } from './pair-sources';
import { goLiteral, type CValue } from './pair-values';

/** Where Debian's golang-github-cilium-ebpf-dev puts cilium/ebpf (and golang.org/x/sys, which it needs). */
export const GOCODE = '/usr/share/gocode';
const CILIUM = path.join(GOCODE, 'src', 'github.com', 'cilium', 'ebpf');

/** The toolchain the oracle needs, or an error saying how to install it: CI installs both, so a missing one fails. */
export function requireGoToolchain(): { go: string; cilium: string } {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error('the cilium/ebpf oracle needs the Go toolchain, and `go version` failed '
      + `(${go.error?.message ?? go.stderr.trim()}). Install it: apt-get install -y golang-go (scripts/setup.sh does).`);
  }
  if (!existsSync(path.join(CILIUM, 'map.go')) || !existsSync(path.join(GOCODE, 'src', 'golang.org', 'x', 'sys', 'unix'))) {
    throw new Error(`the cilium/ebpf oracle needs cilium/ebpf's sources under ${CILIUM} (and golang.org/x/sys). `
      + 'Install them: apt-get install -y --no-install-recommends golang-github-cilium-ebpf-dev (scripts/setup.sh does).');
  }
  const version = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'golang-github-cilium-ebpf-dev'], { encoding: 'utf8' });
  return { go: go.stdout.trim(), cilium: version.status === 0 ? version.stdout.trim() : 'unknown version' };
}

/** The name the harness gives its maps (harness.go.tmpl): none may outlive the run. */
export const ORACLE_MAP_NAME = 'cilium_oracle';

/** What one pair did in the kernel through cilium/ebpf. */
export interface HarnessResult {
  id: number;
  /** Map.Put of the Go value failed (or panicked), or reading the bytes back failed. */
  putErr?: string;
  /** The value's bytes as the kernel holds them, hex. */
  kernel?: string;
  /** Map.Lookup of the C bytes into the Go type failed (or panicked). */
  decodeErr?: string;
  /** The decoded Go value equals the one put in. */
  decoded: boolean;
  got?: string;
}

export interface HarnessCase { pair: Pair; value: { [m: string]: CValue }; size: number; cBytes: Buffer }

/** The Go program for every pair: the template, each pair's types, and one case per pair. */
export function harnessSource(cases: HarnessCase[]): string {
  const template = readFileSync(path.join(__dirname, 'harness.go.tmpl'), 'utf8');
  const types = cases.map((c) => goTypesText(c.pair)).join('\n');
  const runs = cases.map((c) => `\tfunc() result {\n\t\treturn check(${c.pair.id}, ${c.size}, ${goLiteral(c.pair.go, c.value)}, "${c.cBytes.toString('hex')}", ${!c.pair.putOnly})\n\t},`);
  return `${template}\n${types}\nvar cases = []func() result{\n${runs.join('\n')}\n}\n`;
}

/**
 * Build the program against the packaged cilium/ebpf (GOPATH mode: no module proxy, no network) and run it.
 * The build cache lives under the system temp dir, so a second run skips compiling cilium/ebpf.
 */
export function runHarness(dir: string, cases: HarnessCase[]): { results: HarnessResult[]; buildMs: number; runMs: number } {
  mkdirSync(dir, { recursive: true });
  const main = path.join(dir, 'main.go');
  writeFileSync(main, harnessSource(cases));
  const env = { ...process.env, GO111MODULE: 'off', GOPATH: `${GOCODE}:${path.join(dir, 'gopath')}`, GOFLAGS: '', GOPROXY: 'off',
    GOCACHE: path.join(os.tmpdir(), 'ebpf-debugger-go-build-cache'), CGO_ENABLED: '0' };
  const t0 = Date.now();
  const build = spawnSync('go', ['build', '-o', path.join(dir, 'oracle'), main], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
  if (build.status !== 0) throw new Error(`go build of the oracle failed (${main}):\n${build.stderr || build.error?.message}`);
  const t1 = Date.now();
  const out = execFileSync(path.join(dir, 'oracle'), { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  const results = out.trim().split('\n').map((l) => JSON.parse(l) as HarnessResult);
  if (results.length !== cases.length) throw new Error(`the oracle answered for ${results.length} of ${cases.length} pairs`);
  return { results, buildMs: t1 - t0, runMs: Date.now() - t1 };
}

/** Whether the pair works, with the first reason it does not: the kernel's bytes and the decoded value both right. */
export function verdict(r: HarnessResult, expected: Buffer, covered: boolean[], putOnly: boolean): { works: boolean; why: string } {
  if (r.putErr) return { works: false, why: `Put: ${r.putErr}` };
  const kernel = Buffer.from(r.kernel ?? '', 'hex');
  const differ = [...expected.keys()].filter((i) => covered[i] && kernel[i] !== expected[i]);
  if (kernel.length !== expected.length || differ.length > 0) {
    return { works: false, why: `the kernel holds ${kernel.toString('hex')}, the C layout is ${expected.toString('hex')} (bytes ${differ.join(',')} differ)` };
  }
  if (putOnly) return { works: true, why: 'the kernel holds the C layout (the value is only written)' };
  if (r.decodeErr) return { works: false, why: `Lookup of the C bytes: ${r.decodeErr}` };
  if (!r.decoded) return { works: false, why: `Lookup of the C bytes decoded ${r.got}, not the values put in` };
  return { works: true, why: 'the kernel holds the C layout, and the C bytes decode to the Go values' };
}
