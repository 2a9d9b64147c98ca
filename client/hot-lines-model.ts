/**
 * The hot lines of a complexity reject ("BPF program is too large", "too complex", ...) as the editor shows them:
 * the busiest source lines, each with its share of the instructions the verifier processed. Lines that took under 1%
 * of the work are left out: a decoration on a line that did not matter would send the user to the wrong place.
 */
import type { ProgramReport } from '../core/verify/report';

export const TOP_HOT_LINES = 5;
const MIN_SHARE = 0.01;

export interface HotLineText {
  file: string;
  /** 1-based. */
  line: number;
  insns: number;
  /** Paths pruned on the line (a level-2 log), null at level 1. */
  pruned: number | null;
  /** "612,000 of 1,000,001 instructions · 30 paths pruned" */
  text: string;
}

const count = (n: number) => n.toLocaleString('en-US');

export function hotLineRows(p: ProgramReport, top = TOP_HOT_LINES): HotLineText[] {
  const hot = p.verdict === 'rejected' ? (p.hotLines ?? []) : [];
  if (hot.length === 0) return [];
  const total = p.stats.processedInsns ?? hot.reduce((s, h) => s + h.insns, 0);
  return hot.filter((h) => h.file !== null && h.line !== null && h.insns >= total * MIN_SHARE)
    .sort((a, b) => b.insns - a.insns)
    .slice(0, top)
    .map((h) => ({
      file: h.file!, line: h.line!, insns: h.insns, pruned: h.pruned,
      text: `${count(h.insns)} of ${count(total)} instructions${h.pruned ? ` · ${count(h.pruned)} paths pruned` : ''}`,
    }));
}

/** The after-text of a hot line's decoration. */
export const hotLineDecoration = (text: string): string => `  ← ${text}`;
