/**
 * The results view's rows and the verdict lenses for one program verified on five kernels, from the kernel-matrix
 * fixture logs (the real output of Debian's 5.10 to 7.3 kernels for the same object): kernels in version order,
 * the verdicts that differ said in words, one lens per kernel. No kernel needed: the logs are the verdicts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeLog } from '../../core/verifier-log/parse';
import { buildProgramReport } from '../../core/verify/program-report';
import type { ObjectReport } from '../../core/verify/report';
import { compareKernels, resultRows, truncate, type VerdictRecord } from '../../client/results-model';
import { verdictLenses } from '../../client/verdict-lens-model';
import { matrixBlock } from '../support/kernel-matrix';
import { KERNEL_MATRIX } from '../support/paths';

const SOURCE = path.join(KERNEL_MATRIX, 'programs', 'nullcheck.bpf.c');
const KERNELS: [file: string, label: string][] = [['7.3-cloud.txt', '7.3'], ['6.1.txt', '6.1'], ['5.10-cloud.txt', '5.10'], ['6.18-cloud.txt', '6.18'], ['6.12.txt', '6.12']];

/** One kernel's verdict of nullcheck.bpf.c's program, as the matrix run gave it (its exit code says accepted). */
function entry([file, kernel]: [string, string], at: number): VerdictRecord {
  const text = readFileSync(path.join(KERNEL_MATRIX, 'level1', file), 'utf8');
  const rc = Number(/=== END nullcheck rc=(\d+)/.exec(text)![1]);
  const { index, summary } = analyzeLog(matrixBlock(1, file, 'nullcheck'));
  const program = buildProgramReport(summary, {
    name: 'count_packets', section: 'xdp', verdict: rc === 0 ? 'accepted' : 'rejected', errno: rc === 0 ? 0 : 13,
    logBytes: 0, truncated: false, libbpf: [], roots: [path.dirname(SOURCE)], index,
  });
  const report: ObjectReport = { object: '/tmp/nullcheck.bpf.o', source: SOURCE, kernel, libbpf: '1.5', logLevel: 1, loader: { uid: 0, capEff: '0', via: 'direct' }, programs: [program] };
  return { origin: 'debug', unit: SOURCE, program, kernel, report, at };
}

describe('results rows and lenses over five kernels', () => {
  const entries = KERNELS.map(entry);

  it('one row per kernel in version order; the program row says each verdict', () => {
    const [unit] = resultRows(entries);
    const [prog] = unit.children;
    assert.equal(prog.label, 'count_packets');
    assert.deepEqual(prog.children.map((c) => c.label), ['5.10', '6.1', '6.12', '6.18', '7.3']);
    assert.equal(prog.description, '5.10: rejected · 6.1: rejected · 6.12: rejected · 6.18: verified · 7.3: verified');
    assert.equal(prog.verdict, 'rejected', 'as bad as its worst kernel');
    assert.match(prog.tooltip, /the verdict differs between kernels/);
    assert.equal(unit.description, '1 rejected');
    for (const k of prog.children.slice(0, 3)) {
      assert.equal(k.description, "rejected: R0 invalid mem access 'map_value_or_null'");
      assert.ok(k.children.some((c) => c.label === "R0 invalid mem access 'map_value_or_null'"), k.label);
    }
    assert.deepEqual(prog.children[3].children, []);
    // the row ids are unique: the tree keeps expansion by id
    const ids: string[] = [];
    const walk = (rows: typeof prog[]) => rows.forEach((r) => { ids.push(r.id); walk(r.children); });
    walk([unit]);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('a lens per kernel above the SEC function, in the same order, each named', () => {
    const text = readFileSync(SOURCE, 'utf8');
    const lenses = verdictLenses(SOURCE, text, entries);
    const sec = text.split('\n').findIndex((l) => l.startsWith('SEC("xdp")'));
    assert.deepEqual(lenses.map((l) => [l.line, l.title]), [
      [sec, "5.10: rejected: R0 invalid mem access 'map_value_or_null'"],
      [sec, "6.1: rejected: R0 invalid mem access 'map_value_or_null'"],
      [sec, "6.12: rejected: R0 invalid mem access 'map_value_or_null'"],
      [sec, '6.18: verified'],
      [sec, '7.3: verified'],
    ]);
  });

  it('a reject whose log was cut short says so', () => {
    const e = entries.find((x) => x.kernel === '6.1')!;
    const rows = (r: VerdictRecord) => resultRows([r])[0].children[0].children.map((c) => c.label);
    assert.ok(!rows(e).includes('The verifier\'s log was cut short'));
    assert.ok(rows({ ...e, program: { ...e.program, truncated: true } }).includes('The verifier\'s log was cut short'));
  });

  it('kernel labels sort by version, the host first; long messages are cut on one line', () => {
    assert.deepEqual(['6.12', 'host', '7.3', '5.10', '6.1', '6.18'].sort(compareKernels), ['host', '5.10', '6.1', '6.12', '6.18', '7.3']);
    // exact ABIs as "kernels" names them: numeric field by field, a +deb suffix no number
    assert.deepEqual(['7.3.10+deb13', '6.1.0-50', '7.3.4+deb13', '6.1', '6.1.0-9'].sort(compareKernels), ['6.1', '6.1.0-9', '6.1.0-50', '7.3.4+deb13', '7.3.10+deb13']);
    assert.equal(truncate('invalid access to packet, off=1 size=1\nR1 offset is outside of the packet', 30), 'invalid access to packet, off…');
    assert.equal(truncate('short', 30), 'short');
  });
});
