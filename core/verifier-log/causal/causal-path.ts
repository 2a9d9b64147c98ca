import { parseInsnLine } from '../insn-line';
import { LineKind } from '../line-kind';
import type { LogIndex } from '../log-index';
import { parseSourceLine } from '../path';
import type { RejectSummary } from '../summary';
import { insnEffect } from './insn-effect';
import { kernelCausalPath } from './kernel-report';
import { sliceBack, type CausalRole, type RawStep, type SliceOptions } from './slice';
import type { Btf } from '../../btf/btf-reader';
import { functionParam } from './function-param';
import { indexBound, type IndexBound } from './index-bound';
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
  /** The object's BTF: the names of a function's parameters. */
  btf?: Btf | null;
  /** A source file's one name (the report's resolution of the log's relative names), so steps compare by it. */
  resolveFile?: ((file: string) => string) | null;
  /** Steps kept at most (the origin and the ones nearest the reject). */
  maxSteps?: number;
  /** Ignore the 7.3+ kernel's own report and slice the log (to compare the two). */
  ignoreKernelReport?: boolean;
}

const PRIORITY: Record<CausalRole, number> = { acquire: 5, origin: 5, exit: 4, call: 3, branch: 2, transform: 1 };
/**
 * Which of two steps on one line says more. A step that narrowed the failing value's range (`& 7`) beats the load
 * before it and the scaling after it; a branch (which refines further), a call or an acquire still beats it.
 */
function better(s: LocatedStep, last: LocatedStep): boolean {
  const narrowedOnly = (a: LocatedStep, b: LocatedStep) => a.narrowed && (b.role === 'origin' || b.role === 'transform');
  if (narrowedOnly(s, last)) return true;
  if (narrowedOnly(last, s)) return false;
  return PRIORITY[s.role] > PRIORITY[last.role] || (PRIORITY[s.role] === PRIORITY[last.role] && !s.move);
}

/** A located step, with what the slice knew of it (dropped from the report). */
type LocatedStep = CausalStep & Pick<RawStep, 'move' | 'narrowed' | 'max' | 'scale' | 'returned' | 'argument'>;

/** The facts beyond the steps that the suggestion uses. */
export interface CausalFacts {
  steps: CausalStep[];
  /** A map value indexed past its end by a bounded index: the narrowing step, its bound and the largest index that fits. */
  indexBound: IndexBound | null;
  /** The step that handed the failing value to the code that failed: a subprogram's return at its caller's call. */
  returned: CausalStep | null;
  /** The function argument the failing value came in as (a global function, verified on its own). */
  argument: { step: CausalStep; arg: number; fn: string | null; param: string | null } | null;
}

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
  return causalFacts(ix, summary, opts).steps;
}

/** No path, nothing known beyond it (a complexity reject, a reject after the main pass). */
export const noCausalFacts = (): CausalFacts => ({ steps: [], indexBound: null, returned: null, argument: null });

/** The causal path and what its steps tell the suggestion (see CausalFacts); its files through `resolveFile`. */
export function causalFacts(ix: LogIndex, summary: RejectSummary, opts: CausalPathOptions = {}): CausalFacts {
  const none = noCausalFacts();
  if (!opts.ignoreKernelReport && summary.prose && summary.prose.causalPath.length > 0) {
    const resolve = opts.resolveFile;
    const steps = kernelCausalPath(ix, summary.prose, opts.locate ?? null);
    return { ...none, steps: resolve ? steps.map((s) => ({ ...s, file: s.file ? resolve(s.file) : null })) : steps };
  }
  if (summary.insnLogLine === null || summary.afterMainPass) return none;
  const rejectText = parseInsnLine(ix.text(summary.insnLogLine))?.text ?? '';
  const target = failingTarget(summary.messageLines, insnEffect(rejectText));
  const { steps } = sliceBack(ix, summary.insnLogLine, summary.messageLines, target, opts);
  const located = steps.map((s) => locateStep(ix, s, opts.locate ?? null, opts.resolveFile ?? null));
  const bound = indexBound(located, summary.messageLines);
  if (bound) bound.step.detail += `; ${bound.words}`;
  // a global function's argument (the function is verified alone): name the parameter and the function
  const fn = summary.globalFunction?.name ?? null;
  const argStep = fn ? located.find((s) => s.argument !== undefined) : undefined;
  const param = argStep && fn ? functionParam(opts.btf, fn, argStep.argument!) : null;
  if (argStep) argStep.detail = argStep.detail.replace(/ is argument (\d) of the function/, `${param ? ` is \`${param}\`,` : ' is'} argument $1 of ${fn}()`);
  const kept = compress(located, opts.maxSteps ?? 6);
  const returned = [...located].reverse().find((s) => s.returned && kept.has(s));
  return {
    steps: [...kept.values()],
    indexBound: bound && kept.has(bound.step) ? { ...bound, step: kept.get(bound.step)! } : null,
    returned: returned ? kept.get(returned)! : null,
    argument: argStep && kept.has(argStep) ? { step: kept.get(argStep)!, arg: argStep.argument!, fn, param } : null,
  };
}

function locateStep(ix: LogIndex, s: RawStep, locate: SourceLookup | null, resolveFile: ((file: string) => string) | null): LocatedStep {
  const exact = locate?.(s.insn) ?? null;
  const src = exact ?? logSource(ix, s.logLine);
  const text = src?.text ?? '';
  // old kernels print no map name: the source names the map the helper was given (`bpf_map_lookup_elem(&counts, …`)
  const helper = /from (\w+)\(\)$/.exec(s.detail);
  const arg = helper && new RegExp(`\\b${helper[1]}\\(\\s*(&\\w+)`).exec(text);
  const detail = arg ? `${s.detail.slice(0, -1)}${arg[1]})` : s.detail;
  const file = src?.file ? resolveFile?.(src.file) ?? src.file : null;
  const { move, narrowed, max, scale, returned, argument } = s;
  return { insn: s.insn, file, line: src?.line ?? null, column: exact?.column ?? null, text, role: s.role, detail, move, narrowed, max, scale, returned, argument };
}

/**
 * Two names of one source file: the same string, or a path relative to the compile directory (as the log prints
 * it, for an instruction without exact line_info) and the absolute path it ends (as line_info gives it).
 */
export function sameSourceFile(a: string | null, b: string | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const [abs, rel] = a.startsWith('/') ? [a, b] : [b, a];
  return !rel.startsWith('/') && abs.endsWith(`/${rel.replace(/^\.\//, '')}`);
}

/**
 * One step per source line (the most telling wins: a narrowing op over the load before it, an origin over a
 * copy), copies dropped first, then the middle of a long path. Kept steps by the located step they came from.
 */
function compress(steps: LocatedStep[], max: number): Map<LocatedStep, CausalStep> {
  const merged: LocatedStep[] = [];
  for (const s of steps) {
    const last = merged[merged.length - 1];
    if (last && s.line !== null && last.line === s.line && sameSourceFile(last.file, s.file)) {
      if (better(s, last)) merged[merged.length - 1] = s;
      continue;
    }
    merged.push(s);
  }
  let out = merged;
  if (out.length > max) out = out.filter((s, i) => !s.move || i === 0);
  if (out.length > max) out = [out[0], ...out.slice(out.length - (max - 1))];
  return new Map(out.map((s) => [s, { insn: s.insn, file: s.file, line: s.line, column: s.column, text: s.text, role: s.role, detail: s.detail }]));
}
