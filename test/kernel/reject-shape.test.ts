/**
 * A reject's Problems shape (core/verify/reject-shape.ts) and which rejects an origin's collection shows
 * (client/verdict-selection.ts), on reports the running kernel gave for the examples.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerdictOrigin } from '../../core/editor-events';
import { HelperClient } from '../../core/loader/helper-client';
import { shapeReject } from '../../core/verify/reject-shape';
import type { ObjectReport } from '../../core/verify/report';
import { verifyObject } from '../../core/verify/verify-object';
import { shownRejects } from '../../client/verdict-selection';
import type { VerdictEntry } from '../../client/verdict-store';
import { DIST, EXAMPLES, REPO } from '../support/paths';

const lineOf = (file: string, needle: string) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));

/** What the store would hold after `origin` recorded `report` at `at` (one entry per program). */
const entriesOf = (origin: VerdictOrigin, report: ObjectReport, at: number, kernel = 'host'): VerdictEntry[] =>
  report.programs.map((program) => ({ origin, unit: report.source ?? report.object, program, kernel, report, at }));

describe('reject shape and per-origin selection (real kernel verdicts of the examples)', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  const reports = new Map<string, ObjectReport>();
  const nullDeref = path.join(EXAMPLES, 'null_deref.bpf.c');
  const packetBounds = path.join(EXAMPLES, 'packet_bounds.bpf.c');
  const countOk = path.join(EXAMPLES, 'count_ok.bpf.c');
  const unreleased = path.join(REPO, 'test', 'programs', 'unreleased_ref.bpf.c');
  before(async () => {
    for (const f of [nullDeref, packetBounds, countOk, unreleased]) reports.set(f, (await verifyObject(helper, f)).report);
  });
  after(() => helper.close());

  it('a reject is an error at its line: the verifier\'s message, the explanation\'s title and fix, the causal path in order', () => {
    const report = reports.get(nullDeref)!;
    const [p] = report.programs;
    const shape = shapeReject(p, report.source);
    assert.ok(shape);
    assert.equal(shape.file, nullDeref);
    assert.equal(shape.range.start.line, lineOf(nullDeref, '*count += 1'));
    assert.match(shape.message, /^null_deref: R\d+ invalid mem access 'map_value_or_null'\nPossible NULL dereference\. Test it first/);
    assert.equal(shape.code, 'null-deref');
    assert.match(shape.related[0].message, /^origin: R0 = map_value_or_null .*bpf_map_lookup_elem/);
    assert.equal(shape.related[0].range.start.line, lineOf(nullDeref, '= bpf_map_lookup_elem('));
  });

  it('the related locations follow the causal path: acquire, then the branch, then the exit that leaks it', () => {
    const report = reports.get(unreleased)!;
    const shape = shapeReject(report.programs[0], report.source)!;
    assert.deepEqual(shape.related.map((r) => r.message.split(':')[0]), ['acquire', 'branch', 'exit']);
    assert.equal(shape.related[0].range.start.line, lineOf(unreleased, 'bpf_ringbuf_reserve('));
    const lines = shape.related.map((r) => r.range.start.line);
    assert.deepEqual(lines, [...lines].sort((x, y) => x - y), 'in source order along this path');
    assert.ok(shape.related.every((r) => r.file === unreleased));
  });

  it('an accepted program has no Problems entry', () => {
    const report = reports.get(countOk)!;
    assert.deepEqual(report.programs.map((p) => p.verdict), ['accepted']);
    assert.equal(shapeReject(report.programs[0], report.source), null);
  });

  it('each origin shows its own rejects of every file; another origin\'s and a newer verdict\'s are not its', () => {
    const a = reports.get(nullDeref)!;
    const b = reports.get(packetBounds)!;
    const entries = [...entriesOf('verify', a, 1), ...entriesOf('verify', b, 2), ...entriesOf('debug', a, 3, '6.1')];
    const verify = shownRejects(entries, 'verify');
    assert.deepEqual(verify.map((s) => s.shape.file), [nullDeref, packetBounds], 'verifying a second file keeps the first\'s reject');
    const debug = shownRejects(entries, 'debug');
    assert.deepEqual(debug.map((s) => s.shape.program), ['null_deref']);
    assert.match(debug[0].shape.message, /^\[kernel 6\.1\] null_deref: /, 'a non-host kernel is named');
    assert.deepEqual(shownRejects(entries, 'save'), []);
  });

  it('a program the origin\'s newer report of the unit no longer has is not shown', () => {
    const a = reports.get(nullDeref)!;
    const renamed: ObjectReport = { ...a, programs: a.programs.map((p) => ({ ...p, name: `${p.name}_v2`, verdict: 'accepted' as const })) };
    const entries = [...entriesOf('verify', a, 1), ...entriesOf('verify', renamed, 2)];
    assert.deepEqual(shownRejects(entries, 'verify'), []);
    // another origin's newer report does not hide it: a debug session may verify one program only
    assert.equal(shownRejects([...entriesOf('verify', a, 1), ...entriesOf('debug', renamed, 2)], 'verify').length, 1);
  });
});
