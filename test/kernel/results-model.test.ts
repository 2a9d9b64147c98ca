/**
 * What the results view, the verdict lenses and the hot-line decorations show (client/results-model.ts,
 * verdict-lens-model.ts, hot-lines-model.ts), from real verdicts: programs verified in the running kernel through the
 * helper, and a 6.1 verdict read from the kernel-matrix fixture log of the same source (a real verdict difference:
 * an array map with a constant key is rejected on 6.1 and accepted on the host).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { loadObjectSourceMap, programMap } from '../../core/source-map/object-source-map';
import { analyzeLog } from '../../core/verifier-log/parse';
import { buildProgramReport } from '../../core/verify/program-report';
import type { ObjectReport } from '../../core/verify/report';
import { verifyObject } from '../../core/verify/verify-object';
import { hotLineRows } from '../../client/hot-lines-model';
import { resultRows, type Row, type VerdictRecord } from '../../client/results-model';
import { verdictLenses } from '../../client/verdict-lens-model';
import { matrixBlock } from '../support/kernel-matrix';
import { DIST, EXAMPLES, KERNEL_MATRIX, REPO } from '../support/paths';
import { lineOf, rejectMarker } from '../support/programs';

const NULL_DEREF = path.join(EXAMPLES, 'null_deref.bpf.c');
const COUNT_OK = path.join(EXAMPLES, 'count_ok.bpf.c');
const MULTI = path.join(REPO, 'test', 'programs', 'multi_prog.bpf.c');
const LOOP = path.join(REPO, 'test', 'programs', 'unsafe', 'reject', 'unbounded-loop_helper_bound.bpf.c');
const NULLCHECK = path.join(KERNEL_MATRIX, 'programs', 'nullcheck.bpf.c');

let clock = 0;
const records = (report: ObjectReport, kernel = 'host'): VerdictRecord[] =>
  report.programs.map((program) => ({ origin: 'verify', unit: report.source ?? report.object, program, kernel, report, at: ++clock }));
const child = (row: Row, label: RegExp) => {
  const hit = row.children.find((c) => label.test(c.label));
  assert.ok(hit, `${row.label} has a child ${label}: ${row.children.map((c) => c.label).join(' | ')}`);
  return hit;
};

describe('results view, verdict lenses and hot lines from real verdicts', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  const reports = new Map<string, ObjectReport>();
  before(async () => {
    for (const src of [NULL_DEREF, COUNT_OK, MULTI, LOOP, NULLCHECK]) reports.set(src, (await verifyObject(helper, src)).report);
  });
  after(() => helper.close());

  it('a rejected program: first in the tree, its message at the reject line, the explanation, fix and causal path', () => {
    // count_ok recorded last and sorted first by name: the reject still comes first
    const rows = resultRows([...records(reports.get(NULL_DEREF)!), ...records(reports.get(COUNT_OK)!)]);
    assert.deepEqual(rows.map((r) => [r.label, r.description]), [['null_deref.bpf.c', '1 rejected'], ['count_ok.bpf.c', '1 verified']]);
    const prog = rows[0].children[0];
    assert.equal(prog.label, 'null_deref');
    assert.equal(prog.description, "rejected: R0 invalid mem access 'map_value_or_null'");
    assert.equal(prog.expanded, true);
    const bug = rejectMarker(NULL_DEREF, 'null_deref')!;
    const message = child(prog, /^R0 invalid mem access 'map_value_or_null'$/);
    assert.deepEqual([message.location?.file, message.location?.line], [bug.file, bug.line]);
    assert.match(child(prog, /^Why: /).label, /NULL dereference/);
    const lookup = lineOf(NULL_DEREF, /= bpf_map_lookup_elem\(/);
    assert.equal(child(prog, /^Fix: /).label, `Fix: check \`count\` for NULL after line ${lookup} and use it only on the non-NULL branch`);
    const steps = child(prog, /^Causal path$/).children;
    assert.deepEqual(steps.map((s) => s.location?.line), [lookup, bug.line], 'origin first, the reject last');
    assert.match(steps[0].description ?? '', /^origin: R0 = map_value_or_null/);
    assert.equal(steps[0].label, `line ${lookup}: __u64 *count = bpf_map_lookup_elem(&packet_count, &key);`);
    // the accepted one says so in words, with its instruction count; nothing to expand
    const ok = rows[1].children[0];
    const insns = reports.get(COUNT_OK)!.programs[0].stats.processedInsns!;
    assert.equal(ok.description, `verified · ${insns.toLocaleString('en-US')} insns`);
    assert.deepEqual(ok.children, []);
    assert.equal(ok.icon, 'pass');
    assert.equal(prog.icon, 'error');
  });

  it('an object with several programs: rejected first, the accepted last, the unit counts them', () => {
    const [unit] = resultRows(records(reports.get(MULTI)!));
    assert.equal(unit.description, '3 rejected · 1 verified');
    assert.deepEqual(unit.children.map((c) => c.label), ['from_header', 'via_global', 'via_static', 'all_good']);
    // a reject in an included header: its row opens the header
    const fromHeader = child(unit.children[0], /invalid mem access/);
    assert.equal(fromHeader.location?.file, path.join(REPO, 'test', 'programs', 'multi_prog_helpers.h'));
  });

  it('a newer verdict of the same program is what the tree shows (the store keeps one per program and kernel)', () => {
    const r = reports.get(NULL_DEREF)!;
    const fixed = { ...r, programs: [{ ...reports.get(COUNT_OK)!.programs[0], name: 'null_deref' }] };
    const [unit] = resultRows(records(fixed));
    assert.equal(unit.children[0].description?.startsWith('verified · '), true);
    assert.deepEqual(unit.children[0].children, []);
  });

  it('two kernels: one child per kernel, host first; the verdicts differ and the description says so', async () => {
    const host = reports.get(NULLCHECK)!;
    assert.equal(host.programs[0].verdict, 'accepted', 'the host accepts an array map lookup with a constant key');
    const { index, summary } = analyzeLog(matrixBlock(1, '6.1.txt', 'nullcheck'));
    const object = (await buildBpfSource(NULLCHECK)).object;
    const obj = loadObjectSourceMap(object).obj;
    const on61 = buildProgramReport(summary, { name: 'count_packets', section: 'xdp', verdict: 'rejected', errno: 13, logBytes: 0, truncated: false, libbpf: [], roots: [path.dirname(NULLCHECK)], map: programMap(obj, 'count_packets'), obj, index });
    const entries = [...records({ ...host, kernel: '6.1.0-28-amd64', programs: [on61] }, '6.1'), ...records(host, 'host')];
    const [unit] = resultRows(entries);
    const prog = unit.children[0];
    assert.equal(prog.label, 'count_packets');
    assert.equal(prog.description, 'host: verified · 6.1: rejected');
    assert.match(prog.tooltip, /differs between kernels/);
    assert.deepEqual(prog.children.map((c) => c.label), ['host', '6.1']);
    const message = child(prog.children[1], /invalid mem access/);
    assert.equal(message.location?.line, lineOf(NULLCHECK, /BUG:/), 'line_info places 6.1\'s reject');
    assert.deepEqual(prog.children[0].children, []);

    const lenses = verdictLenses(NULLCHECK, readFileSync(NULLCHECK, 'utf8'), entries);
    const sec = lineOf(NULLCHECK, /^SEC\("xdp"\)/) - 1;
    assert.deepEqual(lenses.map((l) => [l.line, l.title.replace(/\d[\d,]* insns/, 'N insns')]), [
      [sec, 'host: verified · N insns'],
      [sec, "6.1: rejected: R0 invalid mem access 'map_value_or_null'"],
    ]);
    assert.equal(lenses[1].reveal?.line, lineOf(NULLCHECK, /BUG:/));
  });

  it('lenses above each SEC function: the verdict, the message truncated, a click to the reject line', () => {
    const text = readFileSync(NULL_DEREF, 'utf8');
    const [lens] = verdictLenses(NULL_DEREF, text, records(reports.get(NULL_DEREF)!));
    assert.equal(lens.title, "rejected: R0 invalid mem access 'map_value_or_null'");
    assert.equal(lens.line, lineOf(NULL_DEREF, /^SEC\(/) - 1);
    assert.deepEqual(lens.reveal, reports.get(NULL_DEREF)!.programs[0].location);
    // none for another file's verdicts
    assert.deepEqual(verdictLenses(COUNT_OK, readFileSync(COUNT_OK, 'utf8'), records(reports.get(NULL_DEREF)!)), []);

    const multi = verdictLenses(MULTI, readFileSync(MULTI, 'utf8'), records(reports.get(MULTI)!));
    assert.deepEqual(multi.map((l) => l.program).sort(), ['all_good', 'from_header', 'via_global', 'via_static']);
    const long = multi.find((l) => l.program === 'via_global')!;
    assert.ok(long.title.length <= 'rejected: '.length + 60 && long.title.endsWith('…'), long.title);
    assert.match(long.title, /^rejected: invalid access to packet, off=1 size=1/);
    assert.equal(multi.find((l) => l.program === 'all_good')!.reveal, null);
    assert.equal(multi.find((l) => l.program === 'all_good')!.title.startsWith('verified · '), true);
  });

  it('an object verified as it is (a Makefile\'s .bpf.o): its lenses show in the source it was built from, not elsewhere', async () => {
    const object = (await buildBpfSource(NULL_DEREF)).object;
    const asObject = (await verifyObject(helper, object)).report;
    assert.equal(asObject.source, null);
    const entries = records(asObject);
    assert.equal(entries[0].unit, object);
    const [lens] = verdictLenses(NULL_DEREF, readFileSync(NULL_DEREF, 'utf8'), entries);
    assert.equal(lens?.title, "rejected: R0 invalid mem access 'map_value_or_null'");
    const countOk = records((await verifyObject(helper, (await buildBpfSource(COUNT_OK)).object)).report);
    assert.deepEqual(verdictLenses(NULL_DEREF, readFileSync(NULL_DEREF, 'utf8'), countOk), [], 'another object\'s accepted program');
    // the newest of the source's and the object's verdicts of a program is the one shown
    const both = verdictLenses(NULL_DEREF, readFileSync(NULL_DEREF, 'utf8'), [...entries, ...records(reports.get(NULL_DEREF)!)]);
    assert.equal(both.length, 1);
  });

  it('hot lines of a loop rejected as too large: the loop\'s lines, with their share of the instructions', () => {
    const p = reports.get(LOOP)!.programs[0];
    assert.match(p.message ?? '', /BPF program is too large/);
    const loop = lineOf(LOOP, /for \(__u32 i = 0; i < n; i\+\+\)/);
    const hot = hotLineRows(p);
    assert.deepEqual(hot.map((h) => h.line).sort(), [loop, loop + 1], 'lines under 1% of the work are left out');
    assert.equal(hot[0].text, `${hot[0].insns.toLocaleString('en-US')} of ${p.stats.processedInsns!.toLocaleString('en-US')} instructions`);
    assert.ok(hot[0].insns > 500_000);
    const [unit] = resultRows(records(reports.get(LOOP)!));
    const rows = child(unit.children[0], /^Hot lines$/).children;
    assert.deepEqual(rows.map((r) => r.location?.line), hot.map((h) => h.line));
    assert.match(rows[0].label, new RegExp(`^line ${hot[0].line}: ${hot[0].insns.toLocaleString('en-US')} of`));
    // an accepted program has none, whatever its log
    assert.deepEqual(hotLineRows({ ...p, verdict: 'accepted' }), []);
  });
});
