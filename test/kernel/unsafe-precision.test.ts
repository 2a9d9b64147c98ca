import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';
import { readKernelFacts } from '../../core/analyze/kernel-facts';
import { applyEdits } from '../../core/fixes/text-edit';
import { unsafeRules } from '../../core/rules/unsafe/registry';
import type { ObjectReport } from '../../core/verify/report';
import { EXAMPLES, REPO } from '../support/paths';
import { ALL_SOURCES } from '../support/programs';
import { runCli } from '../support/run-cli';

const GOOD = path.join(REPO, 'test', 'programs', 'unsafe', 'good');
const goodFiles = readdirSync(GOOD).filter((f) => f.endsWith('.bpf.c')).sort().map((f) => path.join(GOOD, f));
/**
 * Trampoline programs (fentry/fexit/fmod_ret, LSM) that this machine refuses with EPERM before the verifier runs
 * (an empty log; tp_btf, the same program type without a trampoline, verifies): not a verdict on the program.
 */
const TRAMPOLINE = /^(fentry|fexit|fmod_ret|lsm)(\.s)?\//;

function verifyAll(sources: string[]): ObjectReport[] {
  const r = runCli(['verify', ...sources, '--json']);
  assert.ok(r.code === 0 || r.code === 1, `verify ran (exit ${r.code}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as ObjectReport | ObjectReport[];
  return Array.isArray(out) ? out : [out];
}

const analyzer = new SourceAnalyzer();
analyzer.kernel = readKernelFacts() ?? undefined;
const UNSAFE = new Set(unsafeRules().map((r) => r.id));

async function unsafeAlarms(file: string): Promise<string[]> {
  const { findings } = await analyzer.analyze('c', readFileSync(file, 'utf8'), { file });
  return findings.filter((f) => UNSAFE.has(f.rule) && f.severity !== 'info')
    .map((f) => `${path.basename(file)}:${f.range.start.line + 1}: ${f.severity} [${f.rule}] ${f.message}`);
}

describe('unsafe-pattern rules: precision on correct programs, verified in the real kernel', () => {
  it('the corpus: at least 30 programs the kernel accepts, none it rejects; no unsafe-rule error or warning on any', async (t) => {
    const reports = verifyAll(goodFiles);
    assert.equal(reports.length, goodFiles.length);
    let accepted = 0;
    const unverifiable: string[] = [];
    for (const report of reports) {
      for (const p of report.programs) {
        if (p.verdict === 'accepted') continue;
        const refusedBeforeVerifier = TRAMPOLINE.test(p.section ?? '') && p.errnoName === 'EPERM' && p.logBytes === 0;
        assert.ok(refusedBeforeVerifier, `${report.source} ${p.name} (${p.section}): ${p.verdict} ${p.message}`);
        unverifiable.push(`${path.basename(report.source ?? '')}:${p.name}`);
      }
      if (report.programs.every((p) => p.verdict === 'accepted')) accepted++;
    }
    if (unverifiable.length > 0) t.diagnostic(`refused with EPERM before the verifier on this machine (trampolines): ${unverifiable.join(', ')}`);
    assert.ok(accepted >= 30, `only ${accepted} corpus programs verified here`);
    const alarms = (await Promise.all(goodFiles.map(unsafeAlarms))).flat();
    assert.deepEqual(alarms, [], 'false alarms on correct programs');
  });

  it('examples/ and test/programs that the kernel accepts: no unsafe-rule error or warning', async () => {
    const reports = verifyAll([...ALL_SOURCES, path.join(EXAMPLES, 'count_ok.bpf.c')]);
    const accepted = [...new Set(reports.filter((r) => r.source && r.programs.length > 0 && r.programs.every((p) => p.verdict === 'accepted')).map((r) => r.source!))];
    assert.ok(accepted.includes(path.join(EXAMPLES, 'count_ok.bpf.c')), 'count_ok verifies');
    assert.ok(accepted.length >= 3, `accepted: ${accepted.join(', ')}`); // count_ok, padded_key, cap_dependent today
    const alarms = (await Promise.all(accepted.map(unsafeAlarms))).flat();
    assert.deepEqual(alarms, [], 'false alarms on programs the kernel accepts');
  });

  it('a helper size in a known range: the verifier reads its upper bound of stack bytes, not the whole buffer (CAP_BPF alone)', async () => {
    // uninit-stack-helper judged the whole 64-byte buffer when the size was `n & 15`: a warning on a program a loader
    // without CAP_PERFMON loads
    const file = path.join(GOOD, 'ringbuf_output_bounded_size.bpf.c');
    const r = runCli(['verify', file, '--json', '--capabilities', 'bpf']);
    assert.equal(r.code, 0, `verify with CAP_BPF alone: ${r.stdout.slice(0, 400)} ${r.stderr}`);
    assert.ok((JSON.parse(r.stdout) as ObjectReport).programs.every((p) => p.verdict === 'accepted'));
    assert.deepEqual(await unsafeAlarms(file), []);
  });

  it('the hints\' fixes (infos on the corpus) keep each program accepted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'unsafe-hinted-'));
    const fixed: string[] = [];
    for (const file of goodFiles) {
      const text = readFileSync(file, 'utf8');
      const { findings } = await analyzer.analyze('c', text, { file });
      const fixes = findings.filter((f) => UNSAFE.has(f.rule) && f.fixes).map((f) => f.fixes!()).map((xs) => xs.find((x) => x.preferred) ?? xs[0]).filter(Boolean);
      if (fixes.length === 0) continue;
      const out = path.join(dir, path.basename(file));
      writeFileSync(out, applyEdits(text, fixes.flatMap((x) => x.edits)));
      fixed.push(out);
    }
    for (const h of readdirSync(GOOD).filter((f) => f.endsWith('.h'))) writeFileSync(path.join(dir, h), readFileSync(path.join(GOOD, h)));
    assert.ok(fixed.length >= 2, `hint fixes applied to ${fixed.length} corpus programs`);
    for (const report of verifyAll(fixed)) {
      for (const p of report.programs) assert.equal(p.verdict, 'accepted', `${report.source} ${p.name} after its hint fixes: ${p.message}`);
    }
  });
});
