/**
 * Every line-starting message format of the verifier of 6.1, 6.12 and 7.3 (test/golden/verifier-line-starts.json, made by
 * test/support/verifier-strings.ts from Debian's linux-source packages) is classified as an error line ("other",
 * what the summary takes as the message), except the bookkeeping formats named below (and the stats and precision-tracking lines), each with its kind.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LINE_KIND_NAMES, classifyLine } from '../../core/verifier-log/line-kind';
import { summarizeLog } from '../../core/verifier-log/parse';
import { REPO } from '../support/paths';
import { sampleLine } from '../support/verifier-strings';

const corpus = JSON.parse(readFileSync(path.join(REPO, 'test', 'golden', 'verifier-line-starts.json'), 'utf8')) as Record<string, string[]>;
const kindOf = (line: string) => LINE_KIND_NAMES[classifyLine(Buffer.from(line), 0, Buffer.byteLength(line))];

/** The formats that are bookkeeping, not errors: the kind each must get. */
const BOOKKEEPING: Record<string, string> = {
  'func#%d @%d\\n': 'func',
  'last_idx %d first_idx %d\\n': 'precision',
  'Func#%d is global and valid. Skipping.\\n': 'global-func',
  'Func#%d is safe for any args that match its prototype\\n': 'global-func',
  "Func#%d ('%s') is global and assumed valid.\\n": 'global-func',
  "Func#%d ('%s') is safe for any args that match its prototype\\n": 'global-func',
  'caller:\\n': 'call-marker',
  'callee:\\n': 'call-marker',
  'returning from callee:\\n': 'call-marker',
  'to caller at %d:\\n': 'call-marker',
  'frame %d: propagating r%d\\n': 'propagating',
  'frame %d: propagating fp%d\\n': 'propagating',
  'verification time %lld usec\\n': 'stats',
  'stack depth max %d\\n': 'stats',
  "arg#%d reference type('%s %s') size cannot be determined: %ld\\n": 'btf',
  "Global function %s() doesn't return scalar. Only those are supported.\\n": 'btf',
  'Validating %s() func#%d...\\n': 'validating',
  'topo_order[%d] = %s\\n': 'analysis',
};
const isStats = (fmt: string) => /^processed %d insns|^subprog %d \(%s\)/.test(fmt);
/** Precision tracking's own lines (6.x): `mark_precise: frame0: …`, `force_precise: frame0: …`. */
const isPrecision = (fmt: string) => /^(mark|force)_precise: frame%d: /.test(fmt);
const expectedKind = (fmt: string) => BOOKKEEPING[fmt] ?? (isStats(fmt) ? 'stats' : isPrecision(fmt) ? 'precision' : 'other');

describe('verifier message formats of 6.1, 6.12 and 7.3 that start a line', () => {
  const formats = Object.keys(corpus);
  it('the corpus covers the three kernels', () => {
    assert.ok(formats.length > 500, `${formats.length} formats`);
    assert.ok(formats.filter((f) => corpus[f].includes('6.1')).length > 350);
    assert.ok(formats.filter((f) => corpus[f].includes('6.12')).length > 400);
    assert.ok(formats.filter((f) => corpus[f].includes('7.3')).length > 400);
  });

  it('each is an error line, unless it is a bookkeeping format of the table', () => {
    const wrong: string[] = [];
    for (const fmt of formats) {
      const want = expectedKind(fmt);
      const got = kindOf(sampleLine(fmt));
      if (got !== want) wrong.push(`${JSON.stringify(fmt)} (${corpus[fmt].join(', ')}): ${got}, expected ${want}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('each error format, printed after an instruction and before the stats, is the summary\'s message', () => {
    const missed: string[] = [];
    for (const fmt of formats) {
      if (expectedKind(fmt) !== 'other') continue;
      const line = sampleLine(fmt);
      const log = ['0: R1=ctx() R10=fp0', '0: (b7) r0 = 0', line, 'processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0'].join('\n');
      const s = summarizeLog(log);
      if (s.messageLines.join('\n') !== line.trimEnd()) missed.push(line);
    }
    assert.deepEqual(missed, []);
  });
});
