/**
 * Hot lines over synthetic logs shaped like 6.18's (the real ones, made by the kernel, are in
 * test/kernel/hot-lines.test.ts): the instructions per line, the paths pruned per line at level 2 and none claimed
 * at level 1, the sums against the stats line, one name per file, and the words people read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hotLines, logShowsEveryPath } from '../../core/verifier-log/causal/hot-lines';
import { formatHotLines } from '../../core/verifier-log/causal/hot-lines-format';
import type { SourceLookup } from '../../core/verifier-log/causal/causal-path';
import { analyzeLog } from '../../core/verifier-log/parse';

const LOOP = '; for (; i < n; i++) @ loop.bpf.c:7';
const EXIT = '; return 0; @ loop.bpf.c:9';

/**
 * A loop of `iterations` turns whose exit branch (insn 2 to 3) is explored the first time and pruned after, then
 * the instruction limit. Level 2 keeps every path and prints `func#0 @0`, the branches and the prunes; level 1
 * keeps only the path the verifier was on (it rewinds each pruned branch away).
 */
function loopLog(level: 1 | 2, iterations: number): { text: string; insnLines: number; prunes: number } {
  const out = level === 2 ? ['func#0 @0'] : [];
  out.push('0: R1=ctx() R10=fp0', '; int i = 0; @ loop.bpf.c:5', '0: (b7) r1 = 0                        ; R1=0');
  let insnLines = 1;
  let prunes = 0;
  for (let it = 0; it < iterations; it++) {
    out.push(LOOP, `1: (07) r1 += 1                       ; R1=${it + 1}`, `2: (2d) if r1 > r2 goto pc+2           ; R1=${it + 1}`);
    insnLines += 2;
    if (level === 1) continue;
    if (it === 0) {
      out.push('', 'from 2 to 3: R1=1 R2=scalar() R10=fp0', EXIT, '3: (b7) r0 = 0                        ; R0=0', '4: (95) exit');
      insnLines += 2;
    } else {
      out.push(it % 2 ? '3: safe' : '', ...(it % 2 ? [] : [`from 2 to 3: safe`]));
      prunes++;
    }
  }
  const processed = insnLines + prunes + 1; // the instruction over the limit is counted, not printed
  out.push(`BPF program is too large. Processed ${processed} insn`,
    `processed ${processed} insns (limit 1000000) max_states_per_insn 4 total_states 17 peak_states 17 mark_read 0`);
  return { text: out.join('\n'), insnLines, prunes };
}

describe('hot lines: instructions and pruned paths per source line', () => {
  it('level 2: every path; the prunes land on the exit\'s line; insns + pruned = the processed count less the one over the limit', () => {
    const log = loopLog(2, 40);
    const { index, summary } = analyzeLog(log.text);
    assert.ok(logShowsEveryPath(index));
    const hot = hotLines(index, { top: Infinity });
    assert.deepEqual(hot.map((h) => [h.line, h.insns, h.pruned]), [[7, 80, 0], [9, 2, 39], [5, 1, 0]]);
    const insns = hot.reduce((a, h) => a + h.insns, 0);
    const pruned = hot.reduce((a, h) => a + h.pruned!, 0);
    assert.equal(insns, log.insnLines);
    assert.equal(pruned, log.prunes, 'both `N: safe` and `from X to N: safe` count');
    assert.equal(insns + pruned, summary.stats.processedInsns! - 1);
  });

  it('level 1: the failing path only; no pruned count is claimed (null, not 0)', () => {
    const log = loopLog(1, 40);
    const { index } = analyzeLog(log.text);
    assert.equal(logShowsEveryPath(index), false);
    const hot = hotLines(index, { top: Infinity });
    assert.deepEqual(hot.map((h) => [h.line, h.insns, h.pruned]), [[7, 80, null], [5, 1, null]]);
  });

  it('a `from X to Y:` line alone does not make a log level 2 (kernels before 5.17 print it at level 1)', () => {
    const { index } = analyzeLog(['0: R1=ctx() R10=fp0', '0: (b7) r0 = 0', '', 'from 0 to 1: R0=0 R10=fp0', '1: (95) exit'].join('\n'));
    assert.equal(logShowsEveryPath(index), false);
    assert.equal(hotLines(index)[0]?.pruned ?? 'none', 'none', 'no source line: nothing to report');
  });

  it('one line under one file name: line_info\'s path and the log\'s base name for an instruction line_info has no exact line for', () => {
    const { index } = analyzeLog(loopLog(2, 3).text);
    // insn 3 has no exact line_info, so its source comes from the log's annotation `@ loop.bpf.c:9`; insn 2 has
    // neither, so it is on the line of the instruction before it
    const locate: SourceLookup = (insn) => insn === 3 || insn === 2 ? null : { file: '/src/prog/loop.bpf.c', line: insn === 0 ? 5 : insn === 4 ? 9 : 7, column: 1, text: '' };
    const hot = hotLines(index, { locate, top: Infinity });
    assert.deepEqual(hot.map((h) => [h.file, h.line, h.insns]), [['/src/prog/loop.bpf.c', 7, 6], ['/src/prog/loop.bpf.c', 9, 2], ['/src/prog/loop.bpf.c', 5, 1]]);
  });

  it('two files of the same base name stay apart: the log\'s base name is left as it is', () => {
    const { index } = analyzeLog(loopLog(2, 3).text);
    const locate: SourceLookup = (insn) => insn === 3 ? null : { file: insn === 4 ? '/b/loop.bpf.c' : '/a/loop.bpf.c', line: insn === 0 ? 5 : insn === 4 ? 9 : 7, column: 1, text: '' };
    const files = hotLines(index, { locate, top: Infinity }).map((h) => `${h.file}:${h.line}`).sort();
    assert.deepEqual(files, ['/a/loop.bpf.c:5', '/a/loop.bpf.c:7', '/b/loop.bpf.c:9', 'loop.bpf.c:9']);
  });
});

describe('hot lines for people', () => {
  const stats = { processedInsns: 1_000_001, totalStates: 9572 };
  it('level 2: the pruned paths on their line, the states kept as the one total the log has', () => {
    const out = formatHotLines([{ file: '/p/loop.bpf.c', line: 22, insns: 727_261, pruned: 0 }, { file: '/p/loop.bpf.c', line: 25, insns: 4, pruned: 90_905 }], stats, '');
    assert.deepEqual(out, [
      'hot lines (instructions the log shows on each line, every explored path, of 1,000,001 the verifier processed):',
      '  loop.bpf.c:22: 727,261 insns',
      '  loop.bpf.c:25: 4 insns, 90,905 paths pruned',
      '  states kept: 9,572 in all (total_states); the log does not say on which lines',
    ]);
  });
  it('level 1: says the log is the failing path; no figure next to a line but its instructions', () => {
    const out = formatHotLines([{ file: '/p/loop.bpf.c', line: 22, insns: 727_261, pruned: null }], stats, '');
    assert.equal(out[0], 'hot lines (instructions of the failing path on each line, of 1,000,001 the verifier processed; a level-1 log shows no other path):');
    assert.equal(out[1], '  loop.bpf.c:22: 727,261 insns');
    assert.doesNotMatch(out.join('\n'), /\d states\b/);
  });
});
