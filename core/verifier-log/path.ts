import { LineKind } from './line-kind';
import type { LogIndex } from './log-index';
import type { SourceAnnotation } from './types';

export interface PathStep {
  insn: number;
  /** The instruction line in the log. */
  line: number;
}

export interface PathSource extends SourceAnnotation {
  /** The annotation's line in the log. */
  logLine: number;
  /** The first instruction it annotates. */
  insn: number | null;
}

export interface PathWalk {
  /** Instructions on the path to `fromLine`, oldest first. */
  steps: PathStep[];
  /** Source annotations on the path, oldest first (at most `maxSources`). */
  sources: PathSource[];
  /** The walk stopped at maxSteps before the path's start. */
  cut: boolean;
}

const SOURCE_AT_RE = /^; (.*) @ ([^ ]+):(\d+)$/;

export function parseSourceLine(text: string): SourceAnnotation {
  const at = SOURCE_AT_RE.exec(text);
  if (at) return { text: at[1].trim(), file: at[2], line: Number(at[3]) };
  return { text: text.replace(/^; ?/, '').trim(), file: null, line: null };
}

/**
 * Walk back from `fromLine` along the verifier's path. At level 1 the log is the path (the verifier rewinds
 * explored branches away). At level 2 a `from X to Y:` line starts a branch that was pushed when instruction X
 * ran, so the walk jumps back to the last X before it and carries on.
 */
export function walkPathBack(ix: LogIndex, fromLine: number, opts: { maxSteps?: number; maxSources?: number } = {}): PathWalk {
  const maxSteps = opts.maxSteps ?? 200_000;
  const maxSources = opts.maxSources ?? 8;
  const steps: PathStep[] = [];
  const sources: PathSource[] = [];
  let pos = ix.insnBefore(fromLine + 1); // position in insnLines of the last instruction line at or before fromLine
  let i = fromLine;
  let cut = false;
  while (i >= ix.first) {
    const kind = ix.kinds[i];
    if (kind === LineKind.Insn) {
      while (pos >= 0 && ix.insnLines[pos] > i) pos--;
      if (steps.length >= maxSteps) {
        cut = true;
        break;
      }
      steps.push({ insn: ix.insnIndex[pos], line: i });
    } else if (kind === LineKind.Source) {
      if (sources.length < maxSources) {
        const last = steps[steps.length - 1];
        sources.push({ ...parseSourceLine(ix.text(i)), logLine: i, insn: last ? last.insn : null });
      }
    } else if (kind === LineKind.From) {
      const m = /^from (\d+) to (\d+)/.exec(ix.text(i));
      if (!m) break;
      const branch = Number(m[1]);
      while (pos >= 0 && ix.insnLines[pos] >= i) pos--;
      while (pos >= 0 && ix.insnIndex[pos] !== branch) pos--;
      if (pos < 0) break;
      i = ix.insnLines[pos];
      continue;
    } else if (kind === LineKind.Validating) {
      break; // a global function is verified on its own, from its first instruction
    }
    i--;
  }
  steps.reverse();
  sources.reverse();
  return { steps, sources, cut };
}
