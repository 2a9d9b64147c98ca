/**
 * Causal path and hot lines of a 130 MB level-1 log (goal: under 1 s each, memory under 2x the log). The log is a
 * real one, a loop rejected as too large at level 1, grown to 130 MB. For the causal path its end is replaced by a
 * reject of the loop's bound (R1, set before the loop and named by the loop's branch on every iteration), so the
 * slice has to walk the whole path back to its origin: the worst case. Each figure is given twice: the step alone,
 * over an indexed log, and from the log to the answer (analyzeLog's index and reject summary, then the step), which
 * is what a user waits for. Times are the median of RUNS runs (and the fastest), with the machine's load, since
 * the figures move with it.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { buildBpfSource } from '../core/build/clang';
import { HelperClient } from '../core/loader/helper-client';
import { causalPath } from '../core/verifier-log/causal/causal-path';
import { hotLines } from '../core/verifier-log/causal/hot-lines';
import { analyzeLog } from '../core/verifier-log/parse';

type Report = (name: string, value: string) => void;
type Grow = (log: Buffer, size: number) => Buffer;

const SIZE = 130 * 1024 * 1024;
const RUNS = 5;

/** Cut the log after its last whole `N: (` instruction line and end it with a reject of R1 at the loop's exit. */
function withScalarDeref(log: Buffer): Buffer {
  const at = log.lastIndexOf('\n12: (db) lock');
  const tail = "\n18: (79) r4 = *(u64 *)(r1 +0)\nR1 invalid mem access 'scalar'\nprocessed 1000001 insns (limit 1000000) max_states_per_insn 4 total_states 9618 peak_states 9618 mark_read 0\n";
  return Buffer.concat([log.subarray(0, log.indexOf('\n', at + 1)), Buffer.from(tail)]);
}

/** Wall time, and CPU time (user + system, the GC's threads too): on a loaded machine the wall time is mostly waiting. */
function measure<T>(fn: () => T): { value: T; ms: number; cpuMs: number; bytes: number } {
  global.gc?.();
  const m0 = process.memoryUsage();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c1 = process.cpuUsage(c0);
  const m1 = process.memoryUsage();
  return { value, ms, cpuMs: (c1.user + c1.system) / 1000, bytes: Math.max(0, m1.heapUsed + m1.arrayBuffers - m0.heapUsed - m0.arrayBuffers) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** `fn` RUNS times: its last value, the median and fastest time, the median CPU time, the most memory a run added. */
function repeat<T>(fn: () => T): { value: T; median: number; min: number; cpu: number; bytes: number } {
  const runs = Array.from({ length: RUNS }, () => measure(fn));
  const times = runs.map((r) => r.ms);
  return { value: runs[runs.length - 1].value, median: median(times), min: Math.min(...times), cpu: median(runs.map((r) => r.cpuMs)), bytes: Math.max(...runs.map((r) => r.bytes)) };
}

const timeText = (r: { median: number; min: number; cpu: number }) => `${r.median.toFixed(0)} ms (fastest ${r.min.toFixed(0)}, cpu ${r.cpu.toFixed(0)})`;
const memText = (bytes: number, log: Buffer) => `${(bytes / 1e6).toFixed(0)} MB (${(bytes / log.length).toFixed(2)}x the log)`;
const load = () => `load ${loadavg()[0].toFixed(1)}`;

export async function benchCausalPath(repo: string, report: Report, grow: Grow): Promise<void> {
  const src = path.join(repo, 'test', 'programs', 'unsafe', 'reject', 'unbounded-loop_map_bound.bpf.c');
  const object = (await buildBpfSource(src)).object;
  const helper = new HelperClient({ helperPath: path.join(repo, 'dist', 'helper.js') });
  let real: Buffer;
  try {
    const out = await helper.verify({ path: object, program: 'map_bound', logLevel: 1 });
    real = Buffer.concat(out.log);
  } finally {
    await helper.close();
  }
  // about 10 MB of the loop and the reject, grown to 130 MB (the real log is 88 MB, too big to grow by repeating its middle)
  const cut = real.indexOf(10, 10_000_000) + 1;
  const big = grow(Buffer.concat([real.subarray(0, cut), real.subarray(real.lastIndexOf('\nBPF program is too large') + 1)]), SIZE);
  const mb = (big.length / 1e6).toFixed(0);

  const hot = analyzeLog(big);
  const h = repeat(() => hotLines(hot.index));
  const top = h.value[0];
  report(`hot lines, ${mb} MB level-1 log (too large), the step`, `${timeText(h)}, ${memText(h.bytes, big)}, ${load()}; top: line ${top?.line} with ${top?.insns} insns`);
  const he = repeat(() => hotLines(analyzeLog(big).index));
  report(`hot lines, ${mb} MB level-1 log, from the log (index + hot lines)`, `${timeText(he)}, ${memText(he.bytes, big)}, ${load()}`);

  const rejectLog = withScalarDeref(big);
  const { index, summary } = analyzeLog(rejectLog);
  const c = repeat(() => causalPath(index, summary));
  const steps = c.value.map((s) => `${s.role}@${s.line}`).join(' ');
  report(`causal path, ${mb} MB level-1 log (slice over the whole path), the step`, `${timeText(c)}, ${memText(c.bytes, rejectLog)}, ${load()}; ${summary.path.length} insns on the path kept, steps ${steps}`);
  const ce = repeat(() => {
    const a = analyzeLog(rejectLog);
    return causalPath(a.index, a.summary);
  });
  report(`causal path, ${mb} MB level-1 log, from the log (index + causal path)`, `${timeText(ce)}, ${memText(ce.bytes, rejectLog)}, ${load()}`);
}
