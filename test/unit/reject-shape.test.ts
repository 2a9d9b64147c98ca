/**
 * A reject's Problems shape (core/verify/reject-shape.ts) from a saved kernel log of examples/null_deref.bpf.c:
 * where it lands when the log names its line, when it does not, and when there is nowhere to put it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildProgramReport } from '../../core/verify/program-report';
import { lineRange, shapeReject, SourceLines } from '../../core/verify/reject-shape';
import type { ProgramReport } from '../../core/verify/report';
import { analyzeLog } from '../../core/verifier-log/parse';
import { logVerdict } from '../../core/verifier-log/summary';
import { EXAMPLES, REPO } from '../support/paths';

const source = path.join(EXAMPLES, 'null_deref.bpf.c');
const lines = readFileSync(source, 'utf8').split('\n');
const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)); // 0-based

/** The report `ebpf-debugger log` makes of the saved log, its `@ file:line` annotations resolved under `roots`. */
function fromLog(roots: string[]): ProgramReport {
  const buf = readFileSync(path.join(REPO, 'test', 'fixtures', 'replay', 'null_deref.log'));
  const { index, summary } = analyzeLog(buf);
  return buildProgramReport(summary, { name: 'null_deref', section: 'xdp', verdict: logVerdict(summary), errno: summary.errno,
    logBytes: buf.length, truncated: false, libbpf: [], roots, index });
}

describe('reject shape', () => {
  it('lands on the line the log names, from its first non-blank, with the explanation and the causal path', () => {
    const p = fromLog([EXAMPLES]);
    const shape = shapeReject(p, source);
    assert.ok(shape);
    assert.equal(shape.file, source);
    assert.equal(shape.range.start.line, lineOf('*count += 1'));
    assert.equal(shape.range.start.character, lines[lineOf('*count += 1')].search(/\S/));
    assert.equal(shape.range.end.character, lines[lineOf('*count += 1')].length);
    assert.match(shape.message, /^null_deref: R0 invalid mem access 'map_value_or_null'\nPossible NULL dereference\. /);
    assert.equal(shape.message.includes('approximate'), p.locationApproximate, 'the approximate-line note exactly when the report says so');
    assert.equal(shape.code, 'null-deref');
    assert.equal(shape.related[0]?.range.start.line, lineOf('= bpf_map_lookup_elem('));
  });

  it('a log whose file is not found falls back to the program\'s function in the source', () => {
    const p = fromLog([]); // the annotation's `null_deref.bpf.c` stays relative: not a place to open
    assert.ok(p.location && !path.isAbsolute(p.location.file), JSON.stringify(p.location));
    const shape = shapeReject(p, source);
    assert.ok(shape);
    assert.equal(shape.file, source);
    assert.equal(shape.range.start.line, lineOf('int null_deref('));
  });

  it('no located file and no source: nowhere to put it', () => {
    assert.equal(shapeReject(fromLog([]), null), null);
  });

  it('finds a function by its name as written, not as a pattern', () => {
    const reader = new SourceLines(() => 'int axb(void);\nint axb(void)\n{\n}\nint a_b(void)\n');
    assert.equal(reader.functionLine('x.c', 'axb'), 2, 'the definition, not the declaration');
    assert.equal(reader.functionLine('x.c', 'a.b'), 1, 'a dot is no wildcard: not found gives line 1');
    // a BPF_PROG(name, ...) program (fentry, lsm) is named as the macro's first argument; a call of it is no definition
    const fentry = new SourceLines(() => 'static int trace_unlink_hits;\nvoid f(void) { trace_unlink(1) }\nSEC("fentry/do_unlinkat")\nint BPF_PROG(trace_unlink, int dfd)\n{\n\treturn 0;\n}\n');
    assert.equal(fentry.functionLine('x.c', 'trace_unlink'), 4);
    assert.deepEqual(lineRange('\t\tfoo();', 3, null), { start: { line: 2, character: 2 }, end: { line: 2, character: 8 } });
  });
});
