import type { VerifierStats } from './types';

const PROCESSED_RE = /^processed (\d+) insns \(limit (\d+)\) max_states_per_insn (\d+) total_states (\d+) peak_states (\d+) mark_read (\d+)/;
const TIME_RE = /^verification time (\d+) usec$/;
const STACK_RE = /^stack depth (\d+(?:\+\d+)*)$/;

/** Fold one stats line into `stats`; false when the line is not one. */
export function parseStatsLine(line: string, stats: VerifierStats): boolean {
  const p = PROCESSED_RE.exec(line);
  if (p) {
    [stats.processedInsns, stats.insnLimit, stats.maxStatesPerInsn, stats.totalStates, stats.peakStates, stats.markRead] = p.slice(1, 7).map(Number);
    return true;
  }
  const t = TIME_RE.exec(line);
  if (t) {
    stats.verificationTimeUs = Number(t[1]);
    return true;
  }
  const s = STACK_RE.exec(line);
  if (s) {
    stats.stackDepth = s[1];
    return true;
  }
  return false;
}
