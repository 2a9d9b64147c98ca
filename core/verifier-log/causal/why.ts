import type { LogIndex } from '../log-index';
import { programTypeAdvice } from '../program-type';
import type { RejectSummary } from '../summary';
import { causalPath, type CausalPathOptions, type CausalStep, type SourceLookup } from './causal-path';
import { assignedName } from './describe';
import { hotLines, isComplexityReject, type HotLine, type HotLineReport } from './hot-lines';

export interface RejectWhy {
  causalPath: CausalStep[];
  /** Only for complexity rejects (too large, too complex, jump sequence, loops): busiest first. */
  hotLines: HotLine[];
  /** The explanation's fix, naming the lines of the path; null when the path gives nothing to name. */
  suggestion: string | null;
}

const at = (s: { line: number | null }) => (s.line !== null ? `line ${s.line}` : 'that line');
const named = (s: CausalStep) => {
  const n = assignedName(s.text);
  return n ? `\`${n}\`` : 'the pointer';
};

/**
 * The usual fix for the reject's kind, in terms of this path's lines. `section`: the program's, so an early return
 * says the program type's pass value (0 is XDP_ABORTED for XDP, TC_ACT_OK for TC) next to the explanation's fix.
 */
export function suggestionFor(explanationId: string | null, path: CausalStep[], hot: HotLine[], rejectLine: number | null, section: string | null = null): string | null {
  const origin = path.find((s) => s.role === 'origin' || s.role === 'acquire');
  const before = rejectLine !== null ? ` before line ${rejectLine}` : '';
  switch (explanationId) {
    case 'null-deref':
      return origin ? `check ${named(origin)} for NULL after ${at(origin)} and use it only on the non-NULL branch` : null;
    case 'packet-bounds': {
      const check = [...path].reverse().find((s) => s.role === 'branch');
      if (check) return `the check at ${at(check)} does not cover the read: compare the end of what you read with data_end${before}`;
      return origin ? `compare ${named(origin)} + the bytes you read with data_end after ${at(origin)}${before}` : null;
    }
    case 'map-value-bounds': case 'unbounded-access': case 'negative-index': {
      const index = path.find((s) => s.role === 'origin' && /scalar/.test(s.detail)) ?? origin;
      return index ? `bound ${named(index)} (set at ${at(index)})${before}: \`if (${assignedName(index.text) ?? 'i'} >= LEN) return ${programTypeAdvice(section).pass};\`` : null;
    }
    case 'unreleased-ref': {
      const exit = path.find((s) => s.role === 'exit');
      return origin ? `release the reference acquired at ${at(origin)}${exit ? ` on the path that exits at ${at(exit)}` : ''} (submit/discard, or the matching *_release)` : null;
    }
    case 'scalar-deref':
      return origin ? `${named(origin)} is a plain number from ${at(origin)}: read through it with bpf_probe_read_kernel() or BPF_CORE_READ()` : null;
    case 'too-large': case 'jump-complexity': case 'infinite-loop': case 'loop-not-bounded': case 'back-edge':
      return hot.length > 0 && hot[0].line !== null ? `most of the work is at line ${hot[0].line} (${hot[0].insns.toLocaleString('en-US')} instructions): bound the loop there, or use bpf_loop()` : null;
    default:
      return null;
  }
}

/** Why the reject happened: the causal path, the hot lines of a complexity reject, and a suggestion naming them. */
export function rejectWhy(ix: LogIndex, summary: RejectSummary, opts: CausalPathOptions & { locate?: SourceLookup | null; rejectLine?: number | null; section?: string | null } = {}): RejectWhy {
  const complexity = isComplexityReject(summary.messageLines);
  const path = complexity ? [] : causalPath(ix, summary, opts);
  const hot = complexity ? hotLines(ix, { locate: opts.locate }) : [];
  const kernel = summary.prose?.suggestion || null;
  return { causalPath: path, hotLines: hot, suggestion: kernel ?? suggestionFor(summary.explanation?.id ?? null, path, hot, opts.rejectLine ?? summary.source?.line ?? null, opts.section ?? null) };
}

/** The fields `verify --json` and `log --json` carry for a reject (empty for an accepted program). */
export interface ReportWhy {
  causalPath: CausalStep[];
  hotLines: HotLineReport[];
  /** The fix for this reject's kind, naming the path's lines (the 7.3+ kernel's own suggestion when it printed one). */
  suggestion: string | null;
}
