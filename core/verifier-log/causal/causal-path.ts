import { parseInsnLine } from '../insn-line';
import { LineKind } from '../line-kind';
import type { LogIndex } from '../log-index';
import { parseSourceLine } from '../path';
import type { RejectSummary } from '../summary';
import { insnEffect } from './insn-effect';
import { kernelCausalPath } from './kernel-report';
import { sliceBack, type CausalRole, type RawStep, type SliceOptions } from './slice';
import { failingTarget } from './target';

export type { CausalRole } from './slice';

/** One step of the causal path, as `verify --json` and `log --json` print it. */
export interface CausalStep {
  insn: number;
  file: string | null;
  line: number | null;
  column: number | null;
  text: string;
  role: CausalRole;
  detail: string;
}

/** Where an instruction is in the source: the object's line_info (exact), or the log's annotations. */
export type SourceLookup = (insn: number) => { file: string; line: number; column: number | null; text: string } | null;

export interface CausalPathOptions extends SliceOptions {
  locate?: SourceLookup | null;
  /** Steps kept at most (the origin and the ones nearest the reject). */
  maxSteps?: number;
  /** Ignore the 7.3+ kernel's own report and slice the log (to compare the two). */
  ignoreKernelReport?: boolean;
}

const PRIORITY: Record<CausalRole, number> = { acquire: 5, origin: 5, exit: 4, call: 3, branch: 2, transform: 1 };

/** The annotation the verifier printed for the instruction at log line `line`: the nearest `; …` line above it. */
function logSource(ix: LogIndex, line: number): { file: string | null; line: number | null; text: string } | null {
  for (let i = line - 1, seen = 0; i >= ix.first && seen < 4096; i--, seen++) {
    if (ix.kinds[i] !== LineKind.Source) continue;
    const s = parseSourceLine(ix.text(i));
    if (s.line === 0) continue; // `;  @ f.c:0`: compiler-made code; the line above speaks for it
    return s;
  }
  return null;
}

/**
 * The causal path of a reject: a few steps from where the failing value came from to the reject, oldest first.
 * On 7.3+ kernels that print their own report, its steps and words are kept. Empty when the reject names no value
 * the log lets us follow (and for complexity rejects: see hotLines).
 */
export function causalPath(ix: LogIndex, summary: RejectSummary, opts: CausalPathOptions = {}): CausalStep[] {
  if (!opts.ignoreKernelReport && summary.prose && summary.prose.causalPath.length > 0) return kernelCausalPath(ix, summary.prose, opts.locate ?? null);
  if (summary.insnLogLine === null || summary.afterMainPass) return [];
  const rejectText = parseInsnLine(ix.text(summary.insnLogLine))?.text ?? '';
  const target = failingTarget(summary.messageLines, insnEffect(rejectText));
  const { steps } = sliceBack(ix, summary.insnLogLine, summary.messageLines, target, opts);
  const located = steps.map((s) => locateStep(ix, s, opts.locate ?? null));
  return compress(located, opts.maxSteps ?? 6);
}

function locateStep(ix: LogIndex, s: RawStep, locate: SourceLookup | null): CausalStep & { move?: boolean } {
  const exact = locate?.(s.insn) ?? null;
  const src = exact ?? logSource(ix, s.logLine);
  const text = src?.text ?? '';
  // old kernels print no map name: the source names the map the helper was given (`bpf_map_lookup_elem(&counts, …`)
  const helper = /from (\w+)\(\)$/.exec(s.detail);
  const arg = helper && new RegExp(`\\b${helper[1]}\\(\\s*(&\\w+)`).exec(text);
  const detail = arg ? `${s.detail.slice(0, -1)}${arg[1]})` : s.detail;
  return {
    insn: s.insn, file: src?.file ?? null, line: src?.line ?? null, column: exact?.column ?? null, text,
    role: s.role, detail, ...(s.move ? { move: true } : {}),
  };
}

/** One step per source line (the most telling role wins), copies dropped first, then the middle of a long path. */
function compress(steps: (CausalStep & { move?: boolean })[], max: number): CausalStep[] {
  const merged: (CausalStep & { move?: boolean })[] = [];
  for (const s of steps) {
    const last = merged[merged.length - 1];
    if (last && s.line !== null && last.line === s.line && last.file === s.file) {
      if (PRIORITY[s.role] > PRIORITY[last.role] || (PRIORITY[s.role] === PRIORITY[last.role] && !s.move)) merged[merged.length - 1] = s;
      continue;
    }
    merged.push(s);
  }
  let out = merged;
  if (out.length > max) out = out.filter((s, i) => !s.move || i === 0);
  if (out.length > max) out = [out[0], ...out.slice(out.length - (max - 1))];
  return out.map(({ move: _move, ...s }) => s);
}
