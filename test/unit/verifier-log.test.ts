import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeLog } from '../../core/verifier-log/parse';
import { MATRIX_KERNELS, matrixBlock } from '../support/kernel-matrix';

const NULL_DEREF = "R0 invalid mem access 'map_value_or_null'";

describe('summarizeLog over kernel-matrix logs (bpftool -d output, libbpf wrapper)', () => {
  for (const kernel of MATRIX_KERNELS) {
    for (const level of [1, 2] as const) {
      it(`${kernel} level ${level}: finds the NULL dereference at insn 7 and its source`, () => {
        const s = summarizeLog(matrixBlock(level, kernel, 'nullcheck_hash'));
        assert.deepEqual(s.messageLines, [NULL_DEREF]);
        assert.equal(s.insn, 7);
        assert.equal(s.insnText, 'r1 = *(u64 *)(r0 +0)');
        assert.ok(s.source, 'a source annotation precedes the reject');
        assert.equal(s.source.text, '*val += 1;            /* BUG: val may be NULL */');
        // `@ file:line` arrived in 6.9; older kernels print only the text
        const hasAt = !kernel.startsWith('5.10') && !kernel.startsWith('6.1.');
        assert.equal(s.source.file, hasAt ? 'nullcheck_hash.bpf.c' : null);
        assert.equal(s.source.line, hasAt ? 17 : null);
        assert.equal(s.stats.processedInsns, 7);
        assert.equal(s.truncated.tail, false);
      });
    }
  }

  it('an accepted program has no error, and keeps its stats (6.18 level 2)', () => {
    const s = summarizeLog(matrixBlock(2, '6.18-cloud.txt', 'ok'));
    assert.deepEqual(s.messageLines, []);
    assert.equal(s.insn, null);
    assert.equal(s.source, null);
    assert.equal(s.stats.processedInsns, 11);
    assert.equal(s.stats.verificationTimeUs, 2625);
    assert.equal(s.stats.stackDepth, '8');
  });

  it('7.3: the prose "Verification failed" block does not leak into the classic message', () => {
    const s = summarizeLog(matrixBlock(1, '7.3-cloud.txt', 'nullcheck_hash'));
    assert.deepEqual(s.messageLines, [NULL_DEREF]);
  });
});

describe('summarizeLog on raw kernel logs', () => {
  const raw = [
    '0: R1=ctx() R10=fp0',
    '; int f(struct xdp_md *ctx) @ x.bpf.c:10',
    '0: (61) r1 = *(u32 *)(r1 +0)           ; R1=pkt(r=0)',
    '; return data[14]; @ x.bpf.c:12',
    '1: (71) r0 = *(u8 *)(r1 +14)',
    'invalid access to packet, off=14 size=1, R1(id=0,off=14,r=0)',
    'R1 offset is outside of the packet',
    'processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0',
  ];

  it('keeps a multi-line error message whole', () => {
    const s = summarizeLog(raw.join('\n'));
    assert.deepEqual(s.messageLines, ['invalid access to packet, off=14 size=1, R1(id=0,off=14,r=0)', 'R1 offset is outside of the packet']);
    assert.equal(s.insn, 1);
    assert.deepEqual(s.source, { text: 'return data[14];', file: 'x.bpf.c', line: 12 });
  });

  it('accepts CRLF line ends', () => {
    const s = summarizeLog(raw.join('\r\n'));
    assert.equal(s.messageLines.length, 2);
    assert.equal(s.source?.line, 12);
  });

  it('flags a log whose stats line is missing as tail-truncated, and still finds what is there', () => {
    const s = summarizeLog(raw.slice(0, 5).join('\n'));
    assert.equal(s.truncated.tail, true);
    assert.deepEqual(s.messageLines, []);
  });

  it('skips the empty-text `;  @ file:0` annotation when locating the reject', () => {
    const s = summarizeLog(['; x = 1; @ a.c:5', '3: (07) r2 += -4', ';  @ a.c:0', '4: (85) call foo#1', 'unknown func foo#1', 'processed 4 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0'].join('\n'));
    assert.equal(s.source?.line, 5);
    assert.equal(s.insn, 4);
  });

  it('returns an empty summary for an empty log without throwing', () => {
    const s = summarizeLog('');
    assert.deepEqual(s.messageLines, []);
    assert.equal(s.insn, null);
    assert.equal(s.lines, 0);
    assert.deepEqual(s.truncated, { head: false, tail: false });
  });
});

describe('libbpf wrapper', () => {
  it('cuts the END marker off a glued last line, and ignores libbpf lines around the block', () => {
    const s = summarizeLog(["libbpf: prog 'p': -- BEGIN PROG LOAD LOG --", '0: (95) exit', 'R0 !read_ok',
      'processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0-- END PROG LOAD LOG --',
      "libbpf: prog 'p': failed to load: -13"].join('\n'));
    assert.deepEqual(s.messageLines, ['R0 !read_ok']);
    assert.equal(s.stats.processedInsns, 1);
    assert.equal(s.errno, 13);
    assert.equal(s.truncated.tail, false);
  });
});
