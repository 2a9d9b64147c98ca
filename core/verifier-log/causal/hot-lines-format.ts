import path from 'node:path';
import type { VerifierStats } from '../types';
import type { HotLineReport } from './hot-lines';

const n = (v: number) => v.toLocaleString('en-US');

/**
 * The hot lines for people, each with the instructions the log shows there and, from a level-2 log, the paths pruned
 * there. The states the verifier kept are a total only (no log says where), so they are given as one.
 */
export function formatHotLines(hot: HotLineReport[], stats: VerifierStats | undefined, indent: string, top = 5): string[] {
  if (hot.length === 0) return [];
  const everyPath = hot.some((h) => h.pruned !== null);
  const of = stats?.processedInsns !== undefined ? `, of ${n(stats.processedInsns)} the verifier processed` : '';
  const out = [everyPath
    ? `${indent}hot lines (instructions the log shows on each line, every explored path${of}):`
    : `${indent}hot lines (instructions of the failing path on each line${of}; a level-1 log shows no other path):`];
  for (const h of hot.slice(0, top)) {
    const where = h.file && h.line !== null ? `${path.basename(h.file)}:${h.line}` : h.line !== null ? `line ${h.line}` : '?';
    out.push(`${indent}  ${where}: ${n(h.insns)} insns${h.pruned ? `, ${n(h.pruned)} paths pruned` : ''}`);
  }
  if (stats?.totalStates !== undefined) out.push(`${indent}  states kept: ${n(stats.totalStates)} in all (total_states); the log does not say on which lines`);
  return out;
}
