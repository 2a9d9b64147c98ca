import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { kernelObjects } from '../support/bpf-objects';
import { ORACLE_MAP_NAME, requireGoToolchain } from '../support/cilium-oracle/cilium-harness';
import { CLASSES } from '../support/cilium-oracle/pair-model';
import { describeMismatch, runOracle, type OracleRecord } from '../support/cilium-oracle/run-oracle';

const PER_CLASS = Number(process.env.CILIUM_ORACLE_PER_CLASS ?? 20);
const SEED = Number(process.env.CILIUM_ORACLE_SEED ?? 20261201);
/** Set to a file to get every pair the rules got wrong written up there (C, Go, what cilium/ebpf did, what the rules said). */
const FINDINGS = process.env.CILIUM_ORACLE_FINDINGS;

const flagged = (r: OracleRecord) => r.lint.flags.length > 0;

function table(records: OracleRecord[]): string {
  const rows = CLASSES.map((k) => {
    const of = records.filter((r) => r.pair.klass === k);
    const broken = of.filter((r) => !r.works);
    const working = of.filter((r) => r.works);
    return `  ${k.padEnd(20)} ${String(of.length).padStart(3)} pairs: broken flagged ${broken.filter(flagged).length}/${broken.length}, `
      + `working flagged ${working.filter(flagged).length}/${working.length}`;
  });
  const bindings = ['marker', 'name', 'bpf2go', 'module'].map((b) => {
    const of = records.filter((r) => r.pair.binding === b);
    const broken = of.filter((r) => !r.works);
    const working = of.filter((r) => r.works);
    return `${b} ${broken.filter(flagged).length}/${broken.length} + ${working.filter(flagged).length}/${working.length}`;
  });
  return `${rows.join('\n')}\n  by binding (broken flagged + working flagged): ${bindings.join(', ')}`;
}

describe('cilium/ebpf (Debian 0.9.1) and the real kernel as the oracle for the go-* rules', () => {
  it(`${PER_CLASS * CLASSES.length} random C/Go pairs: the rules flag exactly the pairs whose bytes cilium/ebpf gets wrong`, { timeout: 600_000 }, async () => {
    const tools = requireGoToolchain(); // fails, saying what to install, when go or the package is missing
    // the oracle's own maps, by name: other engineers' kernel tests may create and free maps meanwhile
    const oracleMaps = () => kernelObjects().maps.filter((m) => m.endsWith(`:${ORACLE_MAP_NAME}`));
    assert.deepEqual(oracleMaps(), [], 'maps of an earlier oracle run are still in the kernel');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-cilium-oracle-'));
    const started = Date.now();
    const { records, ms } = await runOracle(dir, PER_CLASS, SEED);
    assert.deepEqual(oracleMaps(), [], 'every hash map the oracle created is closed');

    // the premise: a faithful mirror works, or the harness (not the rules) is wrong
    const faithful = records.filter((r) => r.pair.klass === 'faithful' && !r.works);
    assert.deepEqual(faithful.map((r) => `pair ${r.pair.id}: ${r.why}`), [], 'a faithful mirror broke: the harness is wrong');
    const broken = records.filter((r) => !r.works);
    const working = records.filter((r) => r.works);
    // both verdicts in numbers, or agreement would prove little
    assert.ok(broken.length >= records.length / 5 && working.length >= records.length / 5, `broken ${broken.length}, working ${working.length}`);

    const missed = broken.filter((r) => !flagged(r));
    const falseAlarms = working.filter(flagged);
    const elsewhere = records.reduce((n, r) => n + r.lint.elsewhere.length, 0);
    const infos = records.reduce((n, r) => n + r.lint.infos.length, 0);
    console.log(`cilium oracle (${tools.go}, cilium/ebpf ${tools.cilium}, seed ${SEED}): ${records.length} pairs in ${Date.now() - started} ms `
      + `(generate ${ms.generate}, clang ${ms.clang}, go build ${ms.goBuild}, kernel ${ms.kernel}, lint ${ms.lint})\n`
      + `  broken flagged ${broken.length - missed.length}/${broken.length}, working flagged ${falseAlarms.length}/${working.length}`
      + ` (go-* infos on the pairs: ${infos}; go-* findings on other types: ${elsewhere})\n${table(records)}`);
    const wrong = [...missed, ...falseAlarms].sort((a, b) => a.pair.id - b.pair.id);
    if (FINDINGS) writeFileSync(FINDINGS, wrong.map(describeMismatch).join('\n'));
    if (wrong.length === 0) rmSync(dir, { recursive: true, force: true });
    const brief = (r: OracleRecord) => `pair ${r.pair.id} (${r.pair.klass}, ${r.pair.binding}: ${r.pair.note}): ${r.works ? 'works' : 'breaks'}, `
      + `rules ${flagged(r) ? r.lint.flags.map((f) => f.rule).join('+') : 'silent'}`;
    assert.equal(wrong.length, 0, `${missed.length} broken pairs not flagged, ${falseAlarms.length} working pairs flagged `
      + `(sources under ${dir}; CILIUM_ORACLE_FINDINGS=file writes them up):\n${wrong.slice(0, 30).map(brief).join('\n')}`);
  });
});
