/**
 * Issue 15: lines that begin like bookkeeping but are the error are classified by their whole shape; the lines
 * just before the stats are the error unless proven otherwise; truncation needs evidence.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LINE_KIND_NAMES, classifyLine } from '../../core/verifier-log/line-kind';
import { summarizeLog } from '../../core/verifier-log/parse';

const kindOf = (line: string) => LINE_KIND_NAMES[classifyLine(Buffer.from(line), 0, Buffer.byteLength(line))];
const STATS = 'processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0';

describe('error lines that begin like bookkeeping lines', () => {
  const table: [string, string][] = [
    ['arg#0 pointer type STRUCT task_struct must point to scalar, or struct with scalar', 'other'],
    ['arg#1 expected pointer to allocated object', 'other'],
    ['arg#0 expected pointer to ctx, but got scalar', 'other'],
    ["arg#0 reference type('UNKNOWN ') size cannot be determined: -22", 'btf'],
    ['frame pointer is read only', 'other'],
    ['frame 1: propagating r6', 'propagating'],
    ['frame 0: propagating r1,r2', 'propagating'],
    ["Global function fp_read_only() doesn't return scalar. Only those are supported.", 'btf'],
    ['Global function f() has unsupported arguments', 'other'],
    ['GO_SYM: main.prog+12', 'symbol'],
  ];
  for (const [line, kind] of table) it(`${kind}: ${line}`, () => assert.equal(kindOf(line), kind));
});

describe('the error of a log', () => {
  it('an arg#N kfunc error after the call is the message', () => {
    const s = summarizeLog(['0: R1=ctx() R10=fp0', '0: (b7) r2 = 0', '1: (85) call bpf_obj_drop_impl#65218', 'arg#0 expected pointer to allocated object', STATS].join('\n'));
    assert.deepEqual(s.messageLines, ['arg#0 expected pointer to allocated object']);
    assert.equal(s.insn, 1);
    assert.equal(s.explanation?.id, 'kfunc-arg');
  });

  it('"frame pointer is read only" is the message, and a __naked program\'s opening notice is not truncation', () => {
    const s = summarizeLog([
      "Global function fp_read_only() doesn't return scalar. Only those are supported.",
      '0: R1=ctx() R10=fp0', '0: (b7) r0 = 0                        ; R0=0', '1: (b7) r10 = 1', 'frame pointer is read only', STATS,
    ].join('\n'));
    assert.deepEqual(s.messageLines, ['frame pointer is read only']);
    assert.equal(s.insn, 1);
    assert.deepEqual(s.truncated, { head: false, tail: false });
  });

  it('an accepted __naked program is accepted, not truncated', () => {
    const s = summarizeLog(["Global function f() doesn't return scalar. Only those are supported.", '0: R1=ctx() R10=fp0', '0: (b7) r0 = 0', '1: (95) exit', STATS].join('\n'));
    assert.deepEqual(s.messageLines, []);
    assert.deepEqual(s.truncated, { head: false, tail: false });
  });

  it('a notice just before the stats, with no instruction checked, is the reject', () => {
    const s = summarizeLog(["Global function f() doesn't return scalar. Only those are supported.", STATS.replace('8 insns', '0 insns')].join('\n'));
    assert.deepEqual(s.messageLines, ["Global function f() doesn't return scalar. Only those are supported."]);
    assert.equal(s.insn, null);
  });

  it('a notice before the last instruction is not the error', () => {
    const s = summarizeLog(["0: (79) r1 = *(u64 *)(r1 +0)", "arg#0 reference type('UNKNOWN ') size cannot be determined: -22", '1: (95) exit', STATS].join('\n'));
    assert.deepEqual(s.messageLines, []);
  });
});
