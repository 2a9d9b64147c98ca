/**
 * Hot lines of real loops verified in the running kernel at levels 1 and 2, held against what the log itself says:
 * the instructions per line add up to the log's instruction lines and, at level 2, with the pruned paths, to the
 * verifier's processed count; a level-1 log claims no pruned count; the states kept are given only as the stats
 * line's total (the verifier prints nothing where it keeps one). loop_log (bench/programs) at SLOW_LOOP_ITERS
 * walks 60,000 iterations without a branch and is rejected after the loop; helper_bound is rejected as too large
 * with a pruned exit on every iteration.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { loadObjectSourceMap, programMap } from '../../core/source-map/object-source-map';
import { formatWhy } from '../../core/verifier-log/causal/format-why';
import { hotLines } from '../../core/verifier-log/causal/hot-lines';
import { analyzeLog } from '../../core/verifier-log/parse';
import { buildProgramReport } from '../../core/verify/program-report';
import { DIST, REPO } from '../support/paths';
import { lineOf, SLOW_LOOP_ITERS } from '../support/programs';

const LOOP_LOG = path.join(REPO, 'bench', 'programs', 'loop_log.bpf.c');
const HELPER_BOUND = path.join(REPO, 'test', 'programs', 'unsafe', 'reject', 'unbounded-loop_helper_bound.bpf.c');
/** The log's own prune lines, counted on its text: `N: safe` and `from X to N: safe` (a level-2 log is too big for one string). */
function safeLines(log: Buffer): number {
  let n = 0;
  for (let at = log.indexOf(': safe\n'); at >= 0; at = log.indexOf(': safe\n', at + 1)) {
    const line = log.toString('latin1', log.lastIndexOf(10, at) + 1, at + ': safe'.length);
    if (/^(?:\d+|from \d+ to \d+(?: \(speculative execution\))?): safe$/.test(line)) n++;
  }
  return n;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('hot lines of loops verified in the running kernel, against the log\'s own totals', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  after(() => helper.close());

  async function verify(src: string, program: string, level: 1 | 2, build: string[] = []) {
    const object = (await buildBpfSource(src, { extraArgs: build })).object;
    const out = await helper.verify({ path: object, program, logLevel: level });
    assert.notEqual(out.errno, 0, `${program} is rejected`);
    const log = Buffer.concat(out.log);
    const { index, summary } = analyzeLog(log);
    const obj = loadObjectSourceMap(object).obj;
    const map = programMap(obj, program);
    return { log, index, summary, obj, map };
  }

  for (const level of [1, 2] as const) {
    it(`loop_log at ${SLOW_LOOP_ITERS} iterations, level ${level}: the loop's lines on top, every processed instruction on a line`, { timeout: 600_000 }, async () => {
      const { log, index, summary, map } = await verify(LOOP_LOG, 'loop_log', level, [`-DLOOP_ITERS=${SLOW_LOOP_ITERS}`]);
      const locate = (insn: number) => {
        const l = map!.location(insn);
        return l && !l.approximate ? { file: l.file, line: l.line, column: l.column || null, text: l.text } : null;
      };
      const hot = hotLines(index, { locate, top: Infinity });
      assert.deepEqual(hot.slice(0, 2).map((h) => h.line), [lineOf(LOOP_LOG, /sum \+= vals/), lineOf(LOOP_LOG, /for \(int i = 0;/)]);
      assert.equal(new Set(hot.map((h) => `${path.basename(h.file!)}:${h.line}`)).size, hot.length, 'one entry per line');
      assert.ok(hot.every((h) => path.resolve(h.file!) === LOOP_LOG), 'line_info\'s one name for the file');
      // no branch in the loop: the failing path is everything the verifier did, at either level
      assert.equal(sum(hot.map((h) => h.insns)), index.insnIndex.length);
      assert.equal(sum(hot.map((h) => h.insns)), summary.stats.processedInsns);
      if (level === 1) assert.ok(hot.every((h) => h.pruned === null), 'a level-1 log claims no prunes');
      else assert.deepEqual([...new Set(hot.map((h) => h.pruned))], [safeLines(log)]);
    });

    it(`helper_bound rejected as too large, level ${level}: pruned paths per line at level 2 only; the states kept as the stats' total`, { timeout: 120_000 }, async () => {
      const { log, index, summary, obj, map } = await verify(HELPER_BOUND, 'helper_bound', level);
      assert.match(summary.messageLines.join('\n'), /BPF program is too large/);
      const r = buildProgramReport(summary, { name: 'helper_bound', section: null, verdict: 'rejected', errno: 7, logBytes: 0, truncated: false, libbpf: [], roots: [path.dirname(HELPER_BOUND)], map, obj, index });
      const hot = r.hotLines;
      assert.ok(hot.length > 0 && hot.length < 10, `every line of the program is in the report (${hot.length})`);
      const loop = lineOf(HELPER_BOUND, /for \(__u32 i = 0; i < n; i\+\+\)/);
      assert.deepEqual(hot.slice(0, 2).map((h) => h.line), [loop, loop + 1]);
      assert.equal(new Set(hot.map((h) => `${h.file}:${h.line}`)).size, hot.length, 'one entry per line');
      assert.equal(sum(hot.map((h) => h.insns)), index.insnIndex.length, 'every instruction line of the log is on a source line');
      const safe = safeLines(log);
      if (level === 1) {
        assert.equal(safe, 0, 'level 1 rewinds pruned paths away');
        assert.ok(hot.every((h) => h.pruned === null));
      } else {
        const pruned = sum(hot.map((h) => h.pruned!));
        assert.ok(pruned > 1000, `the loop's exit is pruned on most iterations (${pruned})`);
        assert.equal(pruned, safe);
        // each prune is a processed instruction; the one over the limit is counted and not printed
        assert.equal(sum(hot.map((h) => h.insns)) + pruned, summary.stats.processedInsns! - 1);
      }
      const human = formatWhy(r).join('\n');
      assert.match(human, new RegExp(`states kept: ${summary.stats.totalStates!.toLocaleString('en-US')} in all \\(total_states\\); the log does not say on which lines`));
      assert.doesNotMatch(human, /insns, [\d,]+ states/, 'no per-line figure is called states');
    });
  }
});
