/**
 * Precision and recall of the layout lints on test/corpus: projects written in the styles of bpf2go modules and of
 * libbpf-tools / libbpf-bootstrap. Each true finding is marked on its line with `// expect: <rule> <severity>`
 * (several separated by `;`). `lint --json` must report exactly the marked warnings and errors, every marked info,
 * and no unmarked warning or error; unmarked infos are printed, not failed. The C is checked to compile for BPF.
 *
 * The corpus is marked for the layout lints only. Other rules (issue 13's verifier-pattern rules, whose recall has its
 * own corpus under test/programs/unsafe) are held to precision here: code they were not written for, so none of them may
 * give a warning or an error on it; their infos are printed.
 *
 * LINT_CORPUS_REPORT=<file> writes the comparison as JSON (what /tmp/team/corpus-findings.md is made from).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureVmlinuxHeader, includesVmlinuxHeader } from '../../core/build/vmlinux';
import { REPO } from '../support/paths';
import { runCli } from '../support/run-cli';

const CORPUS = path.join(REPO, 'test', 'corpus');

interface CorpusProject {
  dir: string;
  /** What the project's build passes to clang (and so to lint): `-I DIR` (relative to the project), `-D NAME`. */
  includeDirs: string[];
  defines: string[];
  /** Headers the build writes before compiling (not in the sources, so lint runs without them): name -> text. */
  generated?: Record<string, string>;
}

const PROJECTS: CorpusProject[] = [
  // libbpf-tools' Makefile: -I$(OUTPUT) (the tools' headers come in as <tool.h>), one CFLAGS for every tool
  { dir: 'libbpf-tools', includeDirs: ['.'], defines: ['BIOLAT_PER_FLAG'], generated: { 'cpudist.gen.h': '#define NR_CPUS_MAX 64\n' } },
  { dir: 'libbpf-bootstrap', includeDirs: [], defines: [] },
  // bpf2go ... -- -I./bpf (the go:generate lines)
  { dir: 'go-procmon', includeDirs: ['bpf'], defines: [] },
  { dir: 'go-counter', includeDirs: ['bpf'], defines: [] },
];

/** The layout lints this corpus measures (issue 11). */
const LAYOUT_RULES = new Set(['c-map-key-padding', 'c-map-value-padding', 'go-implicit-padding', 'go-not-fixed-size', 'go-unexported-field',
  'go-c-mismatch', 'go-reflect-decode', 'layout-unknown']);

interface Finding { rule: string; severity: string; file: string; line: number }
interface Reported extends Finding { message: string }
/**
 * One marker. `a info | b info` accepts either finding, for a struct whose right answer depends on what the machine
 * lets the tool read (system headers: a layout, or layout-unknown); alternatives are infos only, warnings are exact.
 */
interface Marked extends Finding { alternatives: Finding[] }

const key = (f: Finding) => `${f.file}:${f.line} ${f.rule} ${f.severity}`;

function sourcesOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (/\.(c|h|go)$/.test(e.name)) out.push(p);
    }
  };
  walk('');
  return out.sort();
}

const MARKER = /\/\/ expect: (.+)$/;

/** The `// expect:` markers of one file (relative to the project). */
function markersOf(projectDir: string, file: string): Marked[] {
  const out: Marked[] = [];
  readFileSync(path.join(projectDir, file), 'utf8').split('\n').forEach((text, i) => {
    const m = MARKER.exec(text);
    if (!m) return;
    for (const part of m[1].split(';')) {
      const alternatives = part.split('|').map((alt): Finding => {
        const [rule, severity, ...rest] = alt.trim().split(/\s+/);
        assert.ok(LAYOUT_RULES.has(rule) && /^(error|warning|info)$/.test(severity ?? '') && rest.length === 0, `${file}:${i + 1}: malformed marker '${part.trim()}'`);
        return { rule, severity, file, line: i + 1 };
      });
      assert.ok(alternatives.length === 1 || alternatives.every((a) => a.severity === 'info'), `${file}:${i + 1}: only infos may have alternatives`);
      out.push({ ...alternatives[0], alternatives });
    }
  });
  return out;
}

interface ProjectComparison {
  project: string;
  files: number;
  lines: number;
  marked: Marked[];
  found: Reported[];
  falseAlarms: Reported[];
  misses: Marked[];
  unmarkedInfos: Reported[];
  /** Findings of rules that are not layout lints: a warning or error among them is a false alarm, infos are printed. */
  otherRules: Reported[];
  /** Set when lint did not produce JSON findings (usage error, crash). */
  failure?: string;
}

/**
 * `lint --json` over a project with its build's flags, from the project's directory (or, `fromRoot`, from the
 * repository's, as CI runs it: other headers under the current directory then). Paths relative to the project.
 */
function lintProject(p: CorpusProject, files: string[], fromRoot = false): Reported[] | string {
  const memo = `${p.dir}:${fromRoot}`;
  if (!linted.has(memo)) linted.set(memo, runLint(p, files, fromRoot));
  return linted.get(memo)!;
}
/** Each project is linted once from each directory per run (the root comparison reuses the first describe's run). */
const linted = new Map<string, Reported[] | string>();

function runLint(p: CorpusProject, files: string[], fromRoot: boolean): Reported[] | string {
  const projectDir = path.join(CORPUS, p.dir);
  const at = (f: string) => (fromRoot ? path.relative(REPO, path.join(projectDir, f)) : f);
  // a fresh TMPDIR: no object `verify` built earlier lends its BTF (the corpus is judged on its sources alone)
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lint-corpus-'));
  try {
    const args = ['lint', ...files.map(at), ...p.includeDirs.flatMap((d) => ['-I', at(d)]), ...p.defines.flatMap((d) => ['-D', d]), '--json'];
    const r = runCli(args, { ...process.env, TMPDIR: tmp }, fromRoot ? REPO : projectDir);
    let findings: { rule: string; severity: string; file: string; line: number; message: string }[];
    try {
      findings = JSON.parse(r.stdout).findings;
    } catch {
      return `lint exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`;
    }
    return findings.map((f): Reported => ({ rule: f.rule, severity: f.severity, file: path.relative(projectDir, f.file).split(path.sep).join('/'), line: f.line, message: f.message }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function compare(p: CorpusProject): ProjectComparison {
  const projectDir = path.join(CORPUS, p.dir);
  const files = sourcesOf(projectDir);
  const marked = files.flatMap((f) => markersOf(projectDir, f));
  const lines = files.reduce((n, f) => n + readFileSync(path.join(projectDir, f), 'utf8').split('\n').length - 1, 0);
  const base = { project: p.dir, files: files.length, lines, marked };
  const all = lintProject(p, files);
  if (typeof all === 'string') return { ...base, found: [], falseAlarms: [], misses: marked, unmarkedInfos: [], otherRules: [], failure: all };
  const reported = all.filter((f) => LAYOUT_RULES.has(f.rule));
  const markedKeys = new Set(marked.flatMap((m) => m.alternatives.map(key)));
  const reportedKeys = new Set(reported.map(key));
  return {
    ...base,
    found: reported.filter((f) => markedKeys.has(key(f))),
    falseAlarms: reported.filter((f) => f.severity !== 'info' && !markedKeys.has(key(f))),
    misses: marked.filter((m) => !m.alternatives.some((a) => reportedKeys.has(key(a)))),
    unmarkedInfos: reported.filter((f) => f.severity === 'info' && !markedKeys.has(key(f))),
    otherRules: all.filter((f) => !LAYOUT_RULES.has(f.rule)),
  };
}

const report: ProjectComparison[] = [];
after(() => {
  if (process.env.LINT_CORPUS_REPORT) writeFileSync(process.env.LINT_CORPUS_REPORT, JSON.stringify(report, null, 2) + '\n');
});

describe('lint over the corpus: exactly the marked findings', () => {
  for (const p of PROJECTS) {
    it(`${p.dir}: every marked finding, no unmarked warning or error`, (t) => {
      const c = compare(p);
      report.push(c);
      assert.ok(c.marked.length > 0, `${p.dir} has no markers: a corpus project must have true findings`);
      for (const f of c.unmarkedInfos) t.diagnostic(`unmarked info ${f.file}:${f.line} [${f.rule}] ${f.message}`);
      for (const f of c.otherRules.filter((x) => x.severity === 'info')) t.diagnostic(`verifier-pattern info: ${key(f)}`);
      assert.equal(c.failure, undefined, c.failure);
      const lines = [
        ...c.falseAlarms.map((f) => `false alarm ${key(f)}: ${f.message}`),
        ...c.misses.map((m) => `miss ${key(m)}`),
        ...c.otherRules.filter((f) => f.severity !== 'info').map((f) => `false alarm of a verifier-pattern rule ${key(f)}: ${f.message}`),
      ];
      assert.deepEqual(lines, [], `${p.dir}: ${c.found.length}/${c.marked.length} marked findings reported\n${lines.join('\n')}`);
    });
  }
});

describe('lint over the corpus from the repository root (as CI runs it)', () => {
  for (const p of PROJECTS) {
    it(`${p.dir}: the same findings as from the project's directory`, () => {
      const files = sourcesOf(path.join(CORPUS, p.dir));
      const [fromProject, fromRoot] = [lintProject(p, files), lintProject(p, files, true)];
      const keys = (r: Reported[] | string) => (typeof r === 'string' ? [r] : r.map(key).sort());
      assert.deepEqual(keys(fromRoot), keys(fromProject));
    });
  }
});

const MULTIARCH = ['/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu'].filter((d) => {
  try {
    readdirSync(path.join(d, 'asm'));
    return true;
  } catch {
    return false;
  }
});

describe('the corpus is real code', () => {
  it('every .bpf.c compiles with clang -g -O2 -target bpf and the project\'s flags', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'lint-corpus-cc-'));
    try {
      let built = 0;
      for (const p of PROJECTS) {
        const projectDir = path.join(CORPUS, p.dir);
        for (const file of sourcesOf(projectDir).filter((f) => f.endsWith('.bpf.c'))) {
          const flags = [...p.includeDirs.map((d) => `-I${d}`), ...p.defines.map((d) => `-D${d}`), ...MULTIARCH.map((d) => `-I${d}`)];
          // the headers the build generates go to the scratch directory, where only clang sees them
          for (const [name, text] of Object.entries(p.generated ?? {})) writeFileSync(path.join(out, name), text);
          if (p.generated) flags.push(`-I${out}`);
          // a vmlinux.h user gets the running kernel's, as `verify` and `bpftool btf dump ... format c > vmlinux.h` make it
          if (includesVmlinuxHeader(readFileSync(path.join(projectDir, file), 'utf8'))) flags.push(`-I${await ensureVmlinuxHeader()}`);
          // objects go to a scratch directory: one next to the source would lend its BTF to lint
          const obj = path.join(out, `${p.dir}-${path.basename(file, '.c')}.o`);
          const r = spawnSync('clang', ['-g', '-O2', '-target', 'bpf', '-Wall', '-Werror', ...flags, '-c', file, '-o', obj], { cwd: projectDir, encoding: 'utf8' });
          assert.equal(r.status, 0, `${p.dir}/${file} does not compile:\n${r.stderr}`);
          built++;
        }
      }
      assert.ok(built >= 8, `only ${built} BPF sources in the corpus`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('every Go file parses (gofmt -e), and the generated ones say so as bpf2go does', (t) => {
    if (spawnSync('gofmt', ['-h']).error) {
      t.skip('gofmt is not installed (scripts/setup.sh installs go)');
      return;
    }
    let generated = 0;
    for (const p of PROJECTS) {
      const projectDir = path.join(CORPUS, p.dir);
      for (const file of sourcesOf(projectDir).filter((f) => f.endsWith('.go'))) {
        const r = spawnSync('gofmt', ['-e', '-l', file], { cwd: projectDir, encoding: 'utf8' });
        assert.equal(r.stderr, '', `${p.dir}/${file}: ${r.stderr}`);
        if (/_bpfe[lb]\.go$/.test(file)) {
          assert.match(readFileSync(path.join(projectDir, file), 'utf8'), /^\/\/ Code generated by bpf2go; DO NOT EDIT\.\n/);
          generated++;
        }
      }
    }
    assert.ok(generated >= 4, `${generated} bpf2go outputs`);
  });
});
