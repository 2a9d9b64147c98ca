/**
 * `lint` of whole projects through the built CLI (dist/cli.js), wall time as CI sees it: a 130-file libbpf-tools-like
 * C tree and a 500-file Go module, generated into a temporary directory. The median of a few runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCTree } from './c-tree';
import { writeGoModule } from './go-module';

interface LintRun { ms: number; cpuMs: number; findings: Map<string, number> }

/** Preloaded into the CLI: its own CPU time (all threads) on fd 3 at exit; on a shared machine wall time stretches with the load. */
const CPU_PRELOAD = "process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeSync(3, String((u.user + u.system) / 1000)); });\n";

function lintOnce(cli: string, cwd: string, files: string[], preload: string): LintRun {
  const t0 = process.hrtime.bigint();
  // relative paths keep the command line short; the CLI scans the headers under its working directory, as in CI
  const r = spawnSync(process.execPath, ['-r', preload, cli, 'lint', '--json', ...files.map((f) => path.relative(cwd, f))],
    { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`lint exited ${r.status ?? r.signal}: ${r.stderr.slice(0, 2000)}`);
  const cpuMs = Number(r.output[3]);
  const findings = new Map<string, number>();
  for (const f of (JSON.parse(r.stdout) as { findings: { rule: string; severity: string }[] }).findings) {
    const key = `${f.rule} ${f.severity}`;
    findings.set(key, (findings.get(key) ?? 0) + 1);
  }
  return { ms, cpuMs, findings };
}

const summary = (findings: Map<string, number>) =>
  findings.size === 0 ? 'no findings' : [...findings].sort().map(([k, n]) => `${n} ${k}`).join(', ');

export function benchLintTrees(repo: string, report: (name: string, value: string) => void, runs = 5): void {
  const cli = path.join(repo, 'dist', 'cli.js');
  const root = mkdtempSync(path.join(os.tmpdir(), 'ebpf-bench-lint-'));
  const preload = path.join(root, 'cpu-preload.js');
  writeFileSync(preload, CPU_PRELOAD);
  try {
    const trees = [
      { name: 'libbpf-tools-like C tree', dir: path.join(root, 'libbpf-tools'), write: (d: string) => writeCTree(d) },
      { name: 'Go module (bpf2go packages)', dir: path.join(root, 'agent'), write: (d: string) => writeGoModule(d) },
    ];
    for (const tree of trees) {
      const files = tree.write(tree.dir);
      const first = lintOnce(cli, tree.dir, files, preload); // also warms the page cache and the kernel BTF read
      const all = [first];
      for (let i = 1; i < runs; i++) all.push(lintOnce(cli, tree.dir, files, preload));
      const times = all.map((r) => r.ms).sort((a, b) => a - b);
      const cpu = all.map((r) => r.cpuMs).sort((a, b) => a - b);
      const mid = Math.floor(runs / 2);
      report(`lint ${tree.name}, ${files.length} files (n=${runs})`,
        `median ${times[mid].toFixed(0)} ms wall (min ${times[0].toFixed(0)}, max ${times[runs - 1].toFixed(0)}), CPU ${cpu[mid].toFixed(0)} ms`);
      report(`lint ${tree.name}: findings`, summary(first.findings));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
