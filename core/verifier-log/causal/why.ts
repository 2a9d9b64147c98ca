import type { LogIndex } from '../log-index';
import { programTypeAdvice } from '../program-type';
import type { RejectSummary } from '../summary';
import { causalFacts, noCausalFacts, type CausalFacts, type CausalPathOptions, type CausalStep, type SourceLookup } from './causal-path';
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

/** What the suggestion knows beyond the path: the facts its steps carry and the reject's message. */
export interface SuggestionContext {
  facts?: Omit<CausalFacts, 'steps'>;
  messageLines?: string[];
}

const UNBOUNDED_STACK = /invalid unbounded variable-offset \w+(?: \w+)? (?:to|from) stack/;

/**
 * The usual fix for the reject's kind, in terms of this path's lines. `section`: the program's, so an early return
 * says the program type's pass value (0 is XDP_ABORTED for XDP, TC_ACT_OK for TC) next to the explanation's fix.
 */
export function suggestionFor(explanationId: string | null, path: CausalStep[], hot: HotLine[], rejectLine: number | null, section: string | null = null, ctx: SuggestionContext = {}): string | null {
  const origin = path.find((s) => s.role === 'origin' || s.role === 'acquire');
  // where the failing pointer reaches the code that failed: a subprogram's return lands at its caller's line
  const returned = ctx.facts?.returned ?? null;
  const holder = returned ?? origin;
  const before = rejectLine !== null ? ` before line ${rejectLine}` : '';
  const pass = programTypeAdvice(section).pass;
  const message = (ctx.messageLines ?? []).join('\n');
  const kind = explanationId ?? (UNBOUNDED_STACK.test(message) ? 'unbounded-access' : null);
  switch (kind) {
    case 'null-deref': {
      const arg = ctx.facts?.argument;
      if (arg?.fn) {
        const who = arg.param ? `\`${arg.param}\`` : `argument ${arg.arg}`;
        return `${who} is argument ${arg.arg} of ${arg.fn}(), a global function the verifier checks on its own, where it may be NULL: check ${who} for NULL at the start of ${arg.fn}() (${at(arg.step)}), or make ${arg.fn}() static so the verifier checks it with each caller's state`;
      }
      if (returned && origin) return `check ${named(returned)} for NULL after ${at(returned)}, where the subprogram's result comes back (it may be NULL from ${at(origin)}), and use it only on the non-NULL branch`;
      return origin ? `check ${named(origin)} for NULL after ${at(origin)} and use it only on the non-NULL branch` : null;
    }
    case 'arg-type': { // a pointer that may be NULL handed to a helper
      if (!holder || !/type=\w*_or_null\b/.test(message)) return null;
      return `check ${named(holder)} for NULL after ${at(holder)} and pass it to the helper${rejectLine !== null ? ` at line ${rejectLine}` : ''} only on the non-NULL branch`;
    }
    case 'packet-bounds': {
      const check = [...path].reverse().find((s) => s.role === 'branch');
      if (check) return `the check at ${at(check)} does not cover the read: compare the end of what you read with data_end${before}`;
      return origin ? `compare ${named(origin)} + the bytes you read with data_end after ${at(origin)}${before}` : null;
    }
    case 'map-value-bounds': case 'unbounded-access': case 'negative-index': {
      // the index: where it was read, else the step that bounded it (a mask on the load's line is kept over the load)
      const scalar = path.find((s) => s.role === 'origin' && /scalar/.test(s.detail)) ?? path.find((s) => s.role === 'transform' && /^R\d+ = a scalar/.test(s.detail));
      const index = scalar ?? origin;
      const bound = ctx.facts?.indexBound;
      if (bound) { // the index has a bound, just not a small enough one: say the number that fits
        const name = (scalar && assignedName(scalar.text)) ?? assignedName(bound.step.text); // never the map pointer's
        const op = /after (`[^`]+`)/.exec(bound.step.detail)?.[1] ?? 'its bound';
        const why = `after ${op} at ${at(bound.step)} it can be ${bound.max}; ${bound.words}`;
        return name
          ? `clamp \`${name}\` to ${bound.maxIndex}${before} (${why}): \`if (${name} > ${bound.maxIndex}) return ${pass};\``
          : `clamp the index to ${bound.maxIndex}${before} (${why})`;
      }
      return index ? `bound ${named(index)} (set at ${at(index)})${before}: \`if (${assignedName(index.text) ?? 'i'} >= LEN) return ${pass};\`` : null;
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
  const { steps: path, ...facts } = complexity ? noCausalFacts() : causalFacts(ix, summary, opts);
  const hot = complexity ? hotLines(ix, { locate: opts.locate }) : [];
  const kernel = summary.prose?.suggestion || null;
  const rejectLine = opts.rejectLine ?? summary.source?.line ?? null;
  return { causalPath: path, hotLines: hot, suggestion: kernel ?? suggestionFor(summary.explanation?.id ?? null, path, hot, rejectLine, opts.section ?? null, { facts, messageLines: summary.messageLines }) };
}

/** The fields `verify --json` and `log --json` carry for a reject (empty for an accepted program). */
export interface ReportWhy {
  causalPath: CausalStep[];
  hotLines: HotLineReport[];
  /** The fix for this reject's kind, naming the path's lines (the 7.3+ kernel's own suggestion when it printed one). */
  suggestion: string | null;
}
