import { explain, type Explanation } from './explanations';
import { parseInsnLine } from './insn-line';
import { LineKind } from './line-kind';
import type { LogIndex } from './log-index';
import { parseSourceLine, walkPathBack, type PathSource, type PathWalk } from './path';
import { parseProseBlock, type ProseBlock } from './prose-block';
import { parseStatsLine } from './stats';
import { symbolLine, type SymbolRef } from './symbols';
import type { SourceAnnotation, VerifierStats } from './types';

export interface FrameInfo {
  /** 0 for the program's entry function. */
  frame: number;
  /** First instruction of the function. */
  entryInsn: number;
  /** The `call pc+N` instruction in the caller, or null for frame 0. */
  callsiteInsn: number | null;
  /** `func#N` from the level-2 header, when the log has it. */
  funcNo: number | null;
}

export interface RejectSummary {
  /** The error message lines (empty for an accepted program). */
  messageLines: string[];
  /** The instruction the verifier was at, or null when the error names none (e.g. combined stack size). */
  insn: number | null;
  insnText: string | null;
  /** The reject's instruction line in the log. */
  insnLogLine: number | null;
  /** The error was raised after the main pass (it names no instruction). */
  afterMainPass: boolean;
  /** The last (up to 10,000) instructions on the path to the reject, oldest first; pathCut when there were more. */
  path: number[];
  pathCut: boolean;
  /** The frame stack at the reject, innermost first. */
  frames: FrameInfo[];
  /** The global function being validated when the error came (`Validating f() func#N...`). */
  globalFunction: { name: string; funcNo: number } | null;
  /** The last source annotation on the path, and the ones before it (oldest first). */
  source: SourceAnnotation | null;
  /**
   * The path jumped after that annotation, so the kernel may have skipped the reject's own annotation
   * (it does not re-print one after a rewind): the object's line_info is the exact answer.
   */
  sourceMayBeStale: boolean;
  sourcePath: PathSource[];
  /** 7.x prose block's location, which has a column. */
  proseLocation: { function: string; file: string; line: number; column: number } | null;
  prose: ProseBlock | null;
  stats: VerifierStats;
  /** errno named by libbpf's wrapper (`failed to load: -13`), when the input is pasted libbpf/bpftool output. */
  errno: number | null;
  symbols: SymbolRef[];
  explanation: Explanation | null;
  truncated: { head: boolean; tail: boolean };
  insnLines: number;
  lines: number;
  /** The log has `from X to Y:` lines: it was made at level 2 (or on a kernel that printed them at level 1). */
  hasBranchStates: boolean;
}

const PATH_KEEP = 10_000;
const AFTER_MAIN_PASS = /^combined stack size of \d+ calls is \d+\. Too large/;
const NAMES_INSN = /\binsn (\d+)\b/;

export interface SummaryOptions {
  /** `<TAG>_SYM:` prefixes to attach (default: all; GO is the common one). */
  symbolTags?: string[];
}

function collectStats(ix: LogIndex): VerifierStats {
  const stats: VerifierStats = {};
  for (let i = ix.end - 1, seen = 0; i >= ix.first && seen < 64; i--, seen++) {
    if (ix.kinds[i] === LineKind.Stats) parseStatsLine(ix.text(i), stats);
  }
  return stats;
}

/** The frame stack at the reject, innermost first, from the calls still active on the path. */
function framesOf(ix: LogIndex, walk: PathWalk): FrameInfo[] {
  const funcNo = new Map<number, number>();
  for (let i = ix.first; i < ix.end && i < ix.first + 4096; i++) {
    if (ix.kinds[i] !== LineKind.Func) continue;
    const m = /^func#(\d+) @(\d+)$/.exec(ix.text(i));
    if (m) funcNo.set(Number(m[2]), Number(m[1]));
  }
  const depth = walk.calls.length;
  const entry = walk.insns.length > 0 ? walk.insns[0] : 0;
  const frames: FrameInfo[] = walk.calls.map((c, k) => ({ frame: depth - k, entryInsn: c.entryInsn, callsiteInsn: c.callsiteInsn, funcNo: funcNo.get(c.entryInsn) ?? null }));
  frames.push({ frame: 0, entryInsn: entry, callsiteInsn: null, funcNo: funcNo.get(entry) ?? null });
  return frames;
}

function libbpfErrno(ix: LogIndex): number | null {
  for (let i = ix.end; i < ix.lineCount; i++) {
    if (ix.kinds[i] !== LineKind.Libbpf) continue;
    const m = /failed to load(?: program)?: -(\d+)/.exec(ix.text(i));
    if (m) return Number(m[1]);
  }
  return null;
}

/** The reject summary of an indexed log. Never throws on malformed input; what is missing stays null. */
export function summarize(ix: LogIndex, opts: SummaryOptions = {}): RejectSummary {
  const lastInsnPos = ix.insnLines.length - 1;
  const lastInsnLine = lastInsnPos >= 0 ? ix.insnLines[lastInsnPos] : -1;

  // the error: unrecognised lines after the last instruction, up to the stats or the 7.x prose block; a level-1
  // rewind can glue the error (or the annotation before it) to the last instruction's line: it comes first
  const lastParsed = lastInsnLine >= 0 ? parseInsnLine(ix.text(lastInsnLine)) : null;
  const messageLines: string[] = lastParsed?.gluedMessage ? [lastParsed.gluedMessage] : [];
  let proseStart = -1;
  for (let i = Math.max(ix.first, lastInsnLine + 1); i < ix.end; i++) {
    const k = ix.kinds[i];
    if (k === LineKind.Prose && /^Verification failed/.test(ix.text(i))) {
      proseStart = i;
      break;
    }
    if (k === LineKind.Stats) break;
    if (k === LineKind.Other || k === LineKind.CfgSource) messageLines.push(ix.text(i).trimEnd());
  }
  if (messageLines.length === 0 && proseStart < 0) messageLines.push(...noticeBeforeStats(ix, lastInsnLine));
  const message = messageLines.join('\n');
  const prose = proseStart >= 0 ? parseProseBlock(ix, proseStart) : null;
  const rejected = messageLines.length > 0 || prose !== null;
  const afterMainPass = AFTER_MAIN_PASS.test(message);

  let insn: number | null = null;
  let insnText: string | null = null;
  let insnLogLine: number | null = null;
  let path: number[] = [];
  let pathCut = false;
  let frames: FrameInfo[] = [];
  let sourcePath: PathSource[] = [];
  let globalFunction: RejectSummary['globalFunction'] = null;
  if (rejected && lastInsnLine >= 0 && !afterMainPass) {
    insn = ix.insnIndex[lastInsnPos];
    insnText = lastParsed?.text ?? null;
    insnLogLine = lastInsnLine;
    const walk = walkPathBack(ix, lastInsnLine);
    // the summary keeps the last PATH_KEEP steps; walkPathBack gives the whole path on demand
    path = Array.from(walk.insns.subarray(Math.max(0, walk.insns.length - PATH_KEEP)));
    pathCut = walk.cut || walk.insns.length > PATH_KEEP;
    sourcePath = walk.sources;
    if (lastParsed?.gluedSource) sourcePath = [...sourcePath, { ...parseSourceLine(lastParsed.gluedSource), logLine: lastInsnLine, insn }];
    frames = framesOf(ix, walk);
    for (let i = lastInsnLine; i >= ix.first; i--) {
      if (ix.kinds[i] !== LineKind.Validating) continue;
      const m = /^Validating (\S+)\(\) func#(\d+)\.\.\.$/.exec(ix.text(i));
      if (m) globalFunction = { name: m[1], funcNo: Number(m[2]) };
      break;
    }
  } else if (rejected && !afterMainPass) {
    const named = NAMES_INSN.exec(message); // check_cfg errors name their instruction in the text
    if (named) insn = Number(named[1]);
  }
  const located = [...sourcePath].reverse().find((s) => s.file !== null && (s.line ?? 0) > 0);
  // libbpf rewrites a poisoned instruction's line, and the log then has no annotation of its own for it
  const poisoned = insnText !== null && insnText.startsWith('<');
  const sourceMayBeStale = located !== undefined && (poisoned || jumpedAfter(path, located.insn));
  const source = located ? { text: located.text, file: located.file, line: located.line } : sourcePath.length > 0
    ? { text: sourcePath[sourcePath.length - 1].text, file: null, line: null } : null;

  const stats = collectStats(ix);
  const symbols: SymbolRef[] = [];
  for (let i = ix.first; i < ix.end; i++) {
    if (ix.kinds[i] !== LineKind.Symbol) continue;
    const s = symbolLine(ix.text(i));
    if (s && (!opts.symbolTags || opts.symbolTags.includes(s.tag))) symbols.push(s);
  }

  const firstKind = ix.first < ix.end ? ix.kinds[ix.first] : LineKind.Empty;
  const firstInsn = ix.insnIndex.length > 0 ? ix.insnIndex[0] : 0;
  let anchoredStart = false;
  for (let i = ix.first; i < ix.end && i < (ix.insnLines[0] ?? ix.end); i++) {
    const k = ix.kinds[i];
    if (k === LineKind.Validating || k === LineKind.Func || k === LineKind.From || k === LineKind.State) anchoredStart = true;
  }
  const head = ix.insnLines.length > 0 && ((firstKind === LineKind.Other && ix.insnLines[0] > ix.first) || (firstInsn > 0 && !anchoredStart));
  const tail = ix.insnLines.length > 0 && stats.processedInsns === undefined;

  return {
    messageLines, insn, insnText, insnLogLine, afterMainPass, path, pathCut, frames, globalFunction, source, sourceMayBeStale, sourcePath,
    proseLocation: prose?.at ?? null, prose, stats, errno: libbpfErrno(ix), symbols,
    explanation: rejected ? explain(message || prose?.title || '') : null,
    truncated: { head, tail }, insnLines: ix.insnLines.length, lines: ix.end - ix.first,
    hasBranchStates: hasKind(ix, LineKind.From),
  };
}

/**
 * The lines just before the stats are the error unless proven otherwise: when nothing else is, the btf.c notices
 * there (`Global function f() doesn't return scalar…`, `arg#0 reference type(…) size cannot be determined`) are
 * the reject, as in a log that stops before any instruction. Only lines after the last instruction count.
 */
function noticeBeforeStats(ix: LogIndex, lastInsnLine: number): string[] {
  let stats = -1;
  for (let i = Math.max(ix.first, lastInsnLine + 1); i < ix.end; i++) {
    if (ix.kinds[i] === LineKind.Stats) {
      stats = i;
      break;
    }
  }
  if (stats < 0) return [];
  const out: string[] = [];
  for (let i = stats - 1; i > lastInsnLine && i >= ix.first; i--) {
    const k = ix.kinds[i];
    if (k === LineKind.Empty) continue;
    const text = ix.text(i);
    if (k !== LineKind.Btf || !PROGRAM_NOTICE.test(text)) break;
    out.unshift(text.trimEnd());
  }
  return out;
}

const PROGRAM_NOTICE = /^(?:arg#\d+ |Global function \S+\(\) )/;

/** Does the path leave straight-line order after instruction `from` (ld_imm64 takes two slots)? */
function jumpedAfter(path: number[], from: number | null): boolean {
  if (from === null) return false;
  const start = path.lastIndexOf(from);
  if (start < 0) return false;
  for (let k = start; k < path.length - 1; k++) {
    const step = path[k + 1] - path[k];
    if (step !== 1 && step !== 2) return true;
  }
  return false;
}

/** A log's verdict: shaped like the verifier's output and rejected, accepted (the stats say so), or neither. */
export type LogVerdict = 'rejected' | 'accepted' | 'unknown';

/**
 * The verdict of a summarised log. A verdict needs the verifier's own marks (an instruction, the stats, the 7.x
 * prose block or libbpf's errno): an error-looking line in arbitrary text is not a reject.
 */
export function logVerdict(s: RejectSummary): LogVerdict {
  const shaped = s.insnLines > 0 || s.stats.processedInsns !== undefined || s.prose !== null || s.errno !== null;
  if (shaped && (s.messageLines.length > 0 || s.prose !== null)) return 'rejected';
  return s.stats.processedInsns !== undefined ? 'accepted' : 'unknown';
}

function hasKind(ix: LogIndex, kind: LineKind): boolean {
  for (let i = ix.first; i < ix.end; i++) if (ix.kinds[i] === kind) return true;
  return false;
}
