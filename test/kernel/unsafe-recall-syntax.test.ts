import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';
import { readKernelFacts } from '../../core/analyze/kernel-facts';
import { buildBpfSource } from '../../core/build/clang';
import { applyEdits } from '../../core/fixes/text-edit';
import { syntaxRules } from '../../core/rules/unsafe/registry';
import type { ObjectReport } from '../../core/verify/report';
import { kernelObjects } from '../support/bpf-objects';
import { REPO } from '../support/paths';
import { runCli } from '../support/run-cli';

const DIR = path.join(REPO, 'test', 'programs', 'unsafe', 'reject');
/** Rules whose findings are hints (rule 12): no reject corpus. */
const HINT_RULES = new Set(['modern-hints']);
const RULES = syntaxRules.map((r) => r.id).filter((id) => !HINT_RULES.has(id));
const files = readdirSync(DIR).filter((f) => f.endsWith('.bpf.c') && RULES.includes(f.slice(0, f.indexOf('_')))).sort();

/** `// expect-verifier: REGEX` in the header; `BUG:` marks the line the rule must flag (the reject line or where the fix goes). */
function expectation(file: string) {
  const text = readFileSync(path.join(DIR, file), 'utf8');
  const m = /^\/\/ expect-verifier: (.+)$/m.exec(text);
  assert.ok(m, `${file}: no '// expect-verifier: REGEX' header`);
  const marked = text.split('\n').findIndex((l) => l.includes('BUG:')) + 1;
  assert.ok(marked > 0, `${file}: no BUG: marker`);
  return { text, rule: file.slice(0, file.indexOf('_')), message: new RegExp(m[1]), marked };
}

/**
 * The kernel objects this program could leave behind: programs and maps named as in its source (the kernel keeps 15
 * characters). Other engineers' kernel tests load and free objects meanwhile, so the whole view is not comparable.
 */
function ownObjects(text: string): string[] {
  const names = new Set([...text.matchAll(/\b(\w+)\s*(?:SEC|\()/g), ...text.matchAll(/\}\s*(\w+)\s*SEC/g)].map((m) => m[1].slice(0, 15)));
  const all = kernelObjects();
  return [...all.progs, ...all.maps].filter((o) => names.has(o.slice(o.indexOf(':') + 1)));
}

async function settledOwn(text: string, want: string[]): Promise<string[]> {
  const deadline = Date.now() + 3000;
  let now = ownObjects(text);
  while (now.join() !== want.join() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    now = ownObjects(text);
  }
  return now;
}

const analyzer = new SourceAnalyzer();
analyzer.kernel = readKernelFacts() ?? undefined;

describe('syntax rules (8-11): recall on the reject corpus, verified in the real kernel', () => {
  it('holds at least two programs per rule', () => {
    for (const rule of RULES) assert.ok(files.filter((f) => f.startsWith(`${rule}_`)).length >= 2, `${rule}: fewer than two reject programs`);
  });

  for (const file of files) {
    it(`${file}: the kernel (or libbpf) refuses it with the predicted message, and its rule flags it`, async () => {
      const want = expectation(file);
      const source = path.join(DIR, file);
      const before = ownObjects(want.text);
      const r = runCli(['verify', source, '--json']);
      let answer: string;
      if (r.code === 2) {
        // libbpf refused to open the object (legacy maps): the CLI says so; libbpf's own words come from its debug log
        assert.match(r.stderr, /not a BPF object libbpf can open: Operation not supported/, r.stderr);
        const { object } = await buildBpfSource(source);
        const open = spawnSync('bpftool', ['-d', 'gen', 'skeleton', object], { encoding: 'utf8' }); // opens the object in user space only
        answer = open.stderr;
      } else {
        assert.equal(r.code, 1, `verify exits 1 on a reject; stderr: ${r.stderr}`);
        const p = (JSON.parse(r.stdout) as ObjectReport).programs[0];
        assert.ok(p.verdict === 'rejected' || p.verdict === 'error', `${file}: ${p.verdict} ${p.message}`);
        answer = `${p.message ?? ''} ${p.errnoName ?? ''}`;
      }
      assert.match(answer, want.message);
      const findings = (await analyzer.analyze('c', want.text, { file: source })).findings.filter((f) => f.rule === want.rule);
      const f = findings.find((x) => x.range.start.line + 1 === want.marked);
      assert.ok(f, `${want.rule} flags lines [${findings.map((x) => x.range.start.line + 1)}], want ${want.marked}`);
      assert.notEqual(f.severity, 'info', 'a reject is an error, or a warning where it depends on the kernel or loader');
      // the finding quotes what the kernel or libbpf answers
      const quoted = [...f.message.matchAll(/"([^"]+)"/g)].map((q) => q[1].replace(/^libbpf: (elf: )?/, ''));
      assert.ok(quoted.some((q) => answer.includes(q.replace(/R<n>/, '').trim()) || want.message.test(q)),
        `${file}: the finding quotes none of "${answer.slice(0, 200)}": ${f.message}`);
      assert.deepEqual(await settledOwn(want.text, before), before, 'nothing left loaded');
    });
  }

  for (const file of files) {
    it(`${file}: where the rule has a fix, the fixed program is accepted`, async (t) => {
      const want = expectation(file);
      const source = path.join(DIR, file);
      const findings = (await analyzer.analyze('c', want.text, { file: source })).findings.filter((f) => f.rule === want.rule && f.fixes);
      // what lint --fix applies: the preferred fix, else the first
      const fixes = findings.map((f) => f.fixes!()).map((xs) => xs.find((x) => x.preferred) ?? xs[0]).filter(Boolean);
      if (fixes.length === 0) return t.skip(`${want.rule} has no mechanical fix for this one`);
      const fixed = path.join(mkdtempSync(path.join(os.tmpdir(), 'unsafe-fixed-')), file);
      writeFileSync(fixed, applyEdits(want.text, fixes[0].edits));
      const r = runCli(['verify', fixed, '--json']);
      assert.equal(r.code, 0, `the fixed program verifies: ${r.stderr}${r.stdout.slice(0, 2000)}`);
      assert.ok((JSON.parse(r.stdout) as ObjectReport).programs.every((p) => p.verdict === 'accepted'));
    });
  }
});
