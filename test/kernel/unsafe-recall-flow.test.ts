import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ObjectReport } from '../../core/verify/report';
import { flowRules } from '../../core/rules/unsafe/flow/index';
import { kernelObjects } from '../support/bpf-objects';
import { REPO } from '../support/paths';
import { runCli } from '../support/run-cli';
import { lintFlow } from '../unit/unsafe-flow-support';

const DIR = path.join(REPO, 'test', 'programs', 'unsafe', 'reject');
const RULES = flowRules.map((r) => r.id);
const files = readdirSync(DIR).filter((f) => f.endsWith('.bpf.c') && RULES.includes(f.slice(0, f.indexOf('_')))).sort();

/**
 * Each program's header says what it expects: `// expect: RULE "REGEX" [capabilities=CAPS]`; `/* expect-here *\/`
 * marks the line the rule must flag. The kernel's own line is accepted too: clang may move the failing instruction
 * (a dereference it hoists to the NULL check it folded, for one), and a combined-stack reject has no line at all.
 */
function expectation(file: string) {
  const text = readFileSync(path.join(DIR, file), 'utf8');
  const m = /^\/\/ expect: ([\w-]+) "([^"]+)"(?: capabilities=([\w+]+))?/m.exec(text);
  assert.ok(m, `${file}: no '// expect: RULE "MESSAGE"' header`);
  const marked = text.split('\n').findIndex((l) => l.includes('/* expect-here */')) + 1;
  assert.ok(marked > 0, `${file}: no /* expect-here */ marker`);
  return { text, rule: m[1], message: new RegExp(m[2]), capabilities: m[3], marked };
}

describe('flow rules: recall on the reject corpus, verified in the real kernel', () => {
  it('holds at least two programs per rule', () => {
    for (const rule of RULES) assert.ok(files.filter((f) => f.startsWith(`${rule}_`)).length >= 2, `${rule}: fewer than two reject programs`);
  });

  for (const file of files) {
    it(`${file}: the kernel rejects it with the predicted message, and its rule flags it`, async () => {
      const want = expectation(file);
      const r = runCli(['verify', path.join(DIR, file), '--json', ...(want.capabilities ? ['--capabilities', want.capabilities] : [])]);
      assert.equal(r.code, 1, `verify exits 1 on a reject; stderr: ${r.stderr}`);
      const report = JSON.parse(r.stdout) as ObjectReport;
      const p = report.programs[0];
      assert.equal(p.verdict, 'rejected', `${file}: ${p.message}`);
      assert.match(p.message ?? '', want.message);
      const findings = (await lintFlow(want.text)).filter((f) => f.rule === want.rule);
      const lines = findings.map((f) => f.range.start.line + 1);
      const accepted = [want.marked, p.location?.line].filter((l): l is number => !!l);
      assert.ok(lines.some((l) => accepted.includes(l)), `${want.rule} flags lines [${lines}], want one of [${accepted}]`);
      const f = findings.find((x) => accepted.includes(x.range.start.line + 1))!;
      // the message quotes the verifier: the kernel's own words appear in it
      const quoted = /"([^"]+)"/.exec(f.message)?.[1] ?? '';
      const kernelWords = (p.message ?? '').split('\n')[0].replace(/R\d+/g, 'R<n>').replace(/id=\d+|alloc_insn=\d+|off[= ]-?\d+|size \d+|r=\d+|\d+/g, '');
      assert.ok(quoted.length > 0, `${file}: the finding quotes no verifier message: ${f.message}`);
      assert.ok(kernelWords.split(/\s+/).filter((w) => w.length > 3).some((w) => f.message.includes(w)), `${file}: "${f.message}" shares no words with "${p.message}"`);
      assert.ok(f.severity === 'error' || want.capabilities, `${want.rule} is an error where the kernel certainly rejects`);
    });
  }

  it('leaves none of its programs or maps loaded', async () => {
    // other engineers' kernel tests run at the same time: only this corpus's own names are looked for
    const names = new Set(files.flatMap((f) => [...readFileSync(path.join(DIR, f), 'utf8').matchAll(/^\} (\w+) SEC\("\.maps"\)|^int (\w+)\(/gm)]
      .map((m) => (m[1] ?? m[2])?.slice(0, 15)).filter((n): n is string => !!n)));
    const own = () => { const k = kernelObjects(); return [...k.progs, ...k.maps].filter((o) => names.has(o.slice(o.indexOf(':') + 1))); };
    // maps are freed from an RCU callback, later on a loaded machine: polled until gone (a leak stays for the 10 s)
    let left = own();
    for (const deadline = Date.now() + 10_000; left.length > 0 && Date.now() < deadline; left = own()) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(left, []);
  });
});
