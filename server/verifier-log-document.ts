/**
 * A verifier-log document read for the editor: one block per program it holds (pasted `bpftool -d` output or a
 * harness's log can hold several `-- BEGIN PROG LOAD LOG --` blocks; a raw log is one block), each indexed and
 * summarised by core/verifier-log, with its lines shifted to the document's.
 */
import { bpfCallTarget, parseInsnLine } from '../core/verifier-log/insn-line';
import { LineKind } from '../core/verifier-log/line-kind';
import type { LogIndex } from '../core/verifier-log/log-index';
import { analyzeLog, type LogAnalysis } from '../core/verifier-log/parse';

export interface LogBlock extends LogAnalysis {
  /** The document line of the block's line 0. */
  offset: number;
  /** The program named by libbpf's `prog 'x':` wrapper, if any. */
  program: string | null;
  /** The block's verdict, as the CLI's `log` command decides it. */
  verdict: 'rejected' | 'accepted' | 'unknown';
  /** Block lines of the reject's message (or the 7.x prose block's title), when rejected. */
  rejectLines: [number, number] | null;
}

const BEGIN = '-- BEGIN PROG LOAD LOG --';

/** Split the document at libbpf's BEGIN markers and analyse each program's part. */
export function readVerifierLog(text: string, symbolTags?: string[]): LogBlock[] {
  const markers: number[] = [];
  for (let at = text.indexOf(BEGIN); at !== -1; at = text.indexOf(BEGIN, at + BEGIN.length)) {
    const lineStart = text.lastIndexOf('\n', at) + 1;
    if (lineStart > (markers[markers.length - 1] ?? -1)) markers.push(lineStart);
  }
  // the text before the first marker (libbpf's loading chatter) belongs to the first program
  const starts = [0, ...markers.slice(1)];
  const blocks: LogBlock[] = [];
  let line = 0;
  let counted = 0;
  for (let b = 0; b < starts.length; b++) {
    const slice = text.slice(starts[b], b + 1 < starts.length ? starts[b + 1] : undefined);
    line += countLines(text, counted, starts[b]);
    counted = starts[b];
    blocks.push(block(analyzeLog(slice, { symbolTags }), line));
  }
  return blocks;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function block(a: LogAnalysis, offset: number): LogBlock {
  const { summary: s, index: ix } = a;
  // a verdict needs the verifier's own marks, as in cli/log-command.ts
  const shaped = s.insnLines > 0 || s.stats.processedInsns !== undefined || s.prose !== null || s.errno !== null;
  const rejected = shaped && (s.messageLines.length > 0 || s.prose !== null);
  const verdict = rejected ? 'rejected' : s.stats.processedInsns !== undefined ? 'accepted' : 'unknown';
  return { ...a, offset, program: ix.wrappedProgram, verdict, rejectLines: rejected ? rejectLines(a) : null };
}

/** Where the reject's message is printed: after the last instruction, the lines summary.messageLines holds. */
function rejectLines({ index: ix, summary: s }: LogAnalysis): [number, number] | null {
  const first = s.messageLines[0] ?? (s.prose ? `Verification failed: ${s.prose.title}` : undefined);
  if (first === undefined) return null;
  const from = s.insnLogLine ?? ix.first;
  for (let i = from; i < ix.end; i++) {
    if (ix.text(i).trim() !== first.trim()) continue;
    return [i, i + Math.max(0, s.messageLines.length - 1)];
  }
  return s.insnLogLine !== null ? [s.insnLogLine, s.insnLogLine] : null;
}

/** A `from X to Y:` branch: from its line to the last line explored on it (before the next branch). */
export interface Branch { line: number; end: number; text: string }

export function branchesOf(ix: LogIndex, limit: number): { branches: Branch[]; more: number } {
  const froms: number[] = [];
  for (let i = ix.first; i < ix.end; i++) if (ix.kinds[i] === LineKind.From) froms.push(i);
  const branches: Branch[] = [];
  for (let k = 0; k < froms.length && k < limit; k++) {
    let end = (k + 1 < froms.length ? froms[k + 1] : lastVerifierLine(ix) + 1) - 1;
    while (end > froms[k] && (ix.kinds[end] === LineKind.Empty || ix.kinds[end] === LineKind.Stats)) end--;
    branches.push({ line: froms[k], end, text: ix.text(froms[k]).replace(/:.*$/, '') });
  }
  return { branches, more: Math.max(0, froms.length - limit) };
}

/** The last line of the verifier's own output (before the stats and libbpf's END marker). */
function lastVerifierLine(ix: LogIndex): number {
  let i = ix.end - 1;
  while (i > ix.first && (ix.kinds[i] === LineKind.Stats || ix.kinds[i] === LineKind.Empty || ix.kinds[i] === LineKind.LibbpfEnd)) i--;
  return i;
}

/** The `Live regs before insn:` blocks (6.15+ level 2): the header and its rows. */
export function liveRegsBlocks(ix: LogIndex): [number, number][] {
  const out: [number, number][] = [];
  for (let i = ix.first; i < ix.end; i++) {
    if (ix.kinds[i] !== LineKind.LiveHeader) continue;
    let j = i;
    while (j + 1 < ix.end && ix.kinds[j + 1] === LineKind.LiveRow) j++;
    if (j > i) out.push([i, j]);
    i = j;
  }
  return out;
}

/** A subprogram: a `func#N @insn` header line, a `Validating f() func#N` line, or a bpf-to-bpf call's first entry. */
export interface Subprogram { line: number; name: string; detail: string }

export function subprogramsOf(ix: LogIndex): Subprogram[] {
  const out: Subprogram[] = [];
  const entered = new Set<number>();
  for (let i = ix.first; i < ix.end; i++) {
    const k = ix.kinds[i];
    if (k === LineKind.Func) {
      const m = /^func#(\d+) @(\d+)$/.exec(ix.text(i));
      if (m) out.push({ line: i, name: `func#${m[1]}`, detail: `from insn ${m[2]}` });
    } else if (k === LineKind.Validating) {
      const m = /^Validating (\S+)\(\) func#(\d+)/.exec(ix.text(i));
      if (m) out.push({ line: i, name: `${m[1]}()`, detail: `global function, func#${m[2]}` });
    } else if (k === LineKind.Insn && ix.kinds[i + 1] === LineKind.CallMarker) {
      const insn = parseInsnLine(ix.text(i));
      const target = insn ? bpfCallTarget(insn.insn, insn.text) : null;
      if (insn && target !== null && !entered.has(target)) {
        entered.add(target);
        out.push({ line: i, name: `subprogram at insn ${target}`, detail: `called from insn ${insn.insn}` });
      }
    }
  }
  return out;
}
