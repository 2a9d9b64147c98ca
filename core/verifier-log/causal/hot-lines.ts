import { at, ascii, readUint } from '../bytes';
import { LineKind } from '../line-kind';
import type { LogIndex } from '../log-index';
import { parseSourceLine } from '../path';
import type { SourceLookup } from './causal-path';

/**
 * Per source line, what the log shows the verifier did there. Not the states it kept: the verifier prints nothing
 * when is_state_visited() keeps a state (kernel/bpf/verifier.c adds it to explored_states and counts total_states
 * silently), so no log, at any level, says on which line a state was kept. The stats line's total_states is the
 * only figure, for the whole program.
 */
export interface HotLine {
  file: string | null;
  line: number | null;
  /** The source text (the log's annotation or line_info). */
  text: string;
  /** Instruction lines the log shows on this line: at level 1 the failing path, at level 2 every explored path. */
  insns: number;
  /**
   * Paths the verifier stopped on this line because a state it had kept here covered them: the log's `N: safe` and
   * `from X to N: safe` lines. Each is one processed instruction, so at level 2 the lines' insns plus pruned add up to
   * the verifier's processed count (less the one it stopped on when it hit the limit). Null for a level-1 log: the
   * verifier rewinds every pruned path out of it, so it cannot say.
   */
  pruned: number | null;
}

/** A hot line as `verify --json` and `log --json` carry it. */
export type HotLineReport = Pick<HotLine, 'file' | 'line' | 'insns' | 'pruned'>;

/** The complexity rejects: too many instructions, too many states, too long a jump sequence, a loop. */
export const COMPLEXITY_REJECT = /BPF program is too large|is too complex|too many states|The sequence of \d+ jumps is too complex|infinite loop detected|back-edge from insn/;

export function isComplexityReject(messageLines: string[]): boolean {
  return messageLines.some((l) => COMPLEXITY_REJECT.test(l));
}

const FROM = ascii('from ');
const TO = ascii(' to ');
const SAFE = ascii(': safe');

/** `from X to Y: safe` (a branch pruned as soon as it was taken off the stack): Y, else -1. */
function prunedBranchTarget(ix: LogIndex, i: number): number {
  const { buf } = ix;
  const start = ix.lineStart[i];
  const end = ix.lineEnd(i);
  if (end - start < FROM.length + SAFE.length || !at(buf, end - SAFE.length, SAFE) || !at(buf, start, FROM)) return -1;
  const [, p] = readUint(buf, start + FROM.length, end);
  if (!at(buf, p, TO)) return -1;
  return readUint(buf, p + TO.length, end)[0];
}

/** `N: safe` or `from X to N: safe`: N, else -1. */
function prunedAt(ix: LogIndex, i: number): number {
  const k = ix.kinds[i];
  if (k === LineKind.From) return prunedBranchTarget(ix, i);
  if (k !== LineKind.Safe) return -1;
  return readUint(ix.buf, ix.lineStart[i], ix.lineEnd(i))[0];
}

/** What a line tells hotLines: 1 a prune (`N: safe`, maybe `from X to N: safe`), 2 a line only level 2 prints. */
const WHAT = new Uint8Array(256);
WHAT[LineKind.Safe] = WHAT[LineKind.From] = 1;
WHAT[LineKind.Func] = WHAT[LineKind.LiveHeader] = WHAT[LineKind.Liveness] = WHAT[LineKind.Scc] = 2;

/**
 * One pass over the lines: the instruction each pruned path stopped at, and whether the log was made at level 2
 * (every explored path kept). Only level 2 prints the `func#N @M` header and the 6.15+ `Live regs` and 6.18 liveness
 * and SCC lines, and only level 2 keeps a pruned path's `safe` line (level 1 rewinds it away with the path).
 * `from X to Y:` proves nothing: kernels before 5.17 print it at level 1.
 */
function prunesOf(ix: LogIndex): { everyPath: boolean; at: number[] } {
  const { kinds } = ix;
  const at: number[] = [];
  let everyPath = false;
  for (let i = ix.first; i < ix.end; i++) {
    const k = kinds[i];
    if (k <= LineKind.State) continue; // most lines: instructions and states (Empty, Insn, State come first)
    const what = WHAT[k];
    if (what === 0) continue;
    if (what === 2) everyPath = true;
    else {
      const n = prunedAt(ix, i);
      if (n >= 0) {
        at.push(n);
        everyPath = true;
      }
    }
  }
  return { everyPath, at };
}

/** Was the log made at level 2 (see prunesOf)? */
export const logShowsEveryPath = (ix: LogIndex): boolean => prunesOf(ix).everyPath;

const baseName = (f: string) => f.slice(Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\')) + 1);

/**
 * Hot lines, busiest first. Every instruction line of the log counts once for its source line: at level 1 the log
 * is the failing path (the verifier rewound the rest), at level 2 every explored branch. Passes over the index's
 * typed arrays only; a string is made only for the first annotation of each instruction.
 */
export function hotLines(ix: LogIndex, opts: { locate?: SourceLookup | null; top?: number } = {}): HotLine[] {
  const { insnIndex, insnLines, kinds } = ix;
  const { everyPath, at: prunes } = prunesOf(ix);
  let maxInsn = 0;
  for (let p = 0; p < insnIndex.length; p++) if (insnIndex[p] > maxInsn) maxInsn = insnIndex[p];
  for (const n of prunes) if (n > maxInsn) maxInsn = n;
  const count = new Uint32Array(maxInsn + 1);
  const pruned = new Uint32Array(maxInsn + 1);
  for (const n of prunes) pruned[n]++;
  // the log's own annotation of an instruction: the `; …` line right above its first occurrence
  const annotated = new Int32Array(maxInsn + 1).fill(-1);
  for (let p = 0; p < insnIndex.length; p++) {
    const insn = insnIndex[p];
    count[insn]++;
    const line = insnLines[p];
    if (annotated[insn] < 0 && line > ix.first && kinds[line - 1] === LineKind.Source) annotated[insn] = line - 1;
  }
  // each instruction's source line: line_info's when exact, else the log's annotation, else the line of the
  // instruction before it (compiler-made code without a line of its own)
  const located: { insn: number; file: string; line: number; text: string }[] = [];
  let current: { file: string | null; line: number | null; text: string } | null = null;
  for (let insn = 0; insn <= maxInsn; insn++) {
    if (count[insn] === 0 && pruned[insn] === 0) continue;
    const exact = opts.locate?.(insn) ?? null;
    let src = exact;
    if (exact) current = exact;
    else {
      if (annotated[insn] >= 0) {
        const a = parseSourceLine(ix.text(annotated[insn]));
        if (a.line !== 0) current = a; // `;  @ f.c:0` is compiler-made code: it belongs to the line before
      }
      src = current && { file: current.file ?? '', line: current.line ?? 0, column: null, text: current.text };
    }
    if (src) located.push({ insn, file: src.file, line: src.line, text: src.text });
  }
  // one name per file: the log's annotation names a file by its base name (6.9+ strip the directory), line_info by
  // the path it was compiled as; the same line must not come out twice under both names
  const full = new Map<string, string | null>();
  for (const l of located) {
    if (!l.file || baseName(l.file) === l.file) continue;
    const b = baseName(l.file);
    const seen = full.get(b);
    full.set(b, seen === undefined || seen === l.file ? l.file : null); // null: two files share the base name
  }
  const byLine = new Map<string, HotLine>();
  for (const l of located) {
    const file = (l.file && full.get(l.file)) || l.file;
    const key = `${file}:${l.line}:${file ? '' : l.text}`;
    let h = byLine.get(key);
    if (!h) byLine.set(key, (h = { file: file || null, line: l.line || null, text: l.text, insns: 0, pruned: everyPath ? 0 : null }));
    h.insns += count[l.insn];
    if (h.pruned !== null) h.pruned += pruned[l.insn];
  }
  return [...byLine.values()].sort((a, b) => b.insns - a.insns || (b.pruned ?? 0) - (a.pruned ?? 0)).slice(0, opts.top ?? 10);
}
