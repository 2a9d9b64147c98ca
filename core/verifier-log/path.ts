import { at, ascii, isDigit } from './bytes';
import { OPCODE_CALL, OPCODE_EXIT } from './insn-line';
import { LineKind } from './line-kind';
import type { LogIndex } from './log-index';
import type { SourceAnnotation } from './types';

export interface PathSource extends SourceAnnotation {
  /** The annotation's line in the log. */
  logLine: number;
  /** The first instruction it annotates. */
  insn: number | null;
}

/** An active bpf-to-bpf call on the path: the callee's entry and the `call pc+N` that entered it. */
export interface PathCall {
  entryInsn: number;
  callsiteInsn: number;
}

export interface PathWalk {
  /** Instructions on the path to `fromLine`, oldest first, and their lines in the log. */
  insns: Uint32Array;
  lines: Uint32Array;
  /** Source annotations on the path, oldest first (at most `maxSources`). */
  sources: PathSource[];
  /** Calls still active at `fromLine`, innermost first. */
  calls: PathCall[];
  /** The walk stopped at maxSteps before the path's start. */
  cut: boolean;
}

const SOURCE_AT_RE = /^; (.*) @ ([^ ]+):(\d+)$/;
const CALL_PC = ascii('call pc');

export function parseSourceLine(text: string): SourceAnnotation {
  const m = SOURCE_AT_RE.exec(text);
  if (m) return { text: m[1].trim(), file: m[2], line: Number(m[3]) };
  return { text: text.replace(/^; ?/, '').trim(), file: null, line: null };
}

const hex = (c: number) => (c <= 57 ? c - 48 : (c | 32) - 87);

/** Opcode of an instruction line, read from the bytes: `N: (xx) …`. */
export function opcodeAt(buf: Buffer, start: number): number {
  let p = start;
  while (isDigit(buf[p])) p++;
  if (buf[p + 2] !== 40) return -1; // `N: <invalid …>`: poisoned by libbpf, no opcode
  return (hex(buf[p + 3]) << 4) | hex(buf[p + 4]);
}

/** The callee entry of a `N: (85) call pc+K` line, or -1 for helper and kfunc calls. */
export function callTargetAt(buf: Buffer, start: number): number {
  let p = start;
  let insn = 0;
  while (isDigit(buf[p])) insn = insn * 10 + (buf[p++] - 48);
  if (!at(buf, p + 7, CALL_PC)) return -1;
  let q = p + 7 + CALL_PC.length;
  const sign = buf[q] === 45 ? -1 : 1;
  q++;
  let off = 0;
  while (isDigit(buf[q])) off = off * 10 + (buf[q++] - 48);
  return insn + sign * off + 1;
}

/**
 * Walk back from `fromLine` along the verifier's path. At level 1 the log is the path (the verifier rewinds
 * explored branches away). At level 2 a `from X to Y:` line starts a branch that was pushed when instruction X
 * ran, so the walk jumps back to the last X before it and carries on. Only opcode bytes are read per step.
 */
export function walkPathBack(ix: LogIndex, fromLine: number, opts: { maxSteps?: number; maxSources?: number } = {}): PathWalk {
  const maxSteps = opts.maxSteps ?? 2_000_000;
  const maxSources = opts.maxSources ?? 8;
  let insns = new Uint32Array(1024);
  let lines = new Uint32Array(1024);
  let n = 0;
  const sources: PathSource[] = [];
  const calls: PathCall[] = [];
  let skippedCalls = 0; // callee exits seen going back, whose calls are further back
  const { kinds, insnLines, insnIndex, lineStart, buf, first } = ix; // locals: this loop may visit millions of lines
  let pos = ix.insnBefore(fromLine + 1);
  let i = fromLine;
  let cut = false;
  while (i >= first) {
    const kind = kinds[i];
    if (kind === LineKind.Insn) {
      while (pos >= 0 && insnLines[pos] > i) pos--;
      if (n >= maxSteps) {
        cut = true;
        break;
      }
      if (n === insns.length) {
        const [a, b] = [new Uint32Array(n * 2), new Uint32Array(n * 2)];
        a.set(insns);
        b.set(lines);
        [insns, lines] = [a, b];
      }
      insns[n] = insnIndex[pos];
      lines[n] = i;
      if (n > 0) { // the reject's own instruction neither opens nor closes a frame
        const opcode = opcodeAt(buf, lineStart[i]);
        if (opcode === OPCODE_EXIT) skippedCalls++;
        else if (opcode === OPCODE_CALL) {
          const target = callTargetAt(buf, lineStart[i]);
          if (target >= 0 && insns[n - 1] === target) {
            if (skippedCalls > 0) skippedCalls--;
            else calls.push({ entryInsn: target, callsiteInsn: insns[n] });
          }
        }
      }
      n++;
    } else if (kind === LineKind.Source) {
      if (sources.length < maxSources) sources.push({ ...parseSourceLine(ix.text(i)), logLine: i, insn: n > 0 ? insns[n - 1] : null });
    } else if (kind === LineKind.From) {
      const m = /^from (\d+) to (\d+)/.exec(ix.text(i));
      if (!m) break;
      const branch = Number(m[1]);
      while (pos >= 0 && insnLines[pos] >= i) pos--;
      while (pos >= 0 && insnIndex[pos] !== branch) pos--;
      if (pos < 0) break;
      i = insnLines[pos];
      continue;
    } else if (kind === LineKind.Validating) {
      break; // a global function is verified on its own, from its first instruction
    }
    i--;
  }
  insns = insns.slice(0, n).reverse();
  lines = lines.slice(0, n).reverse();
  sources.reverse();
  return { insns, lines, sources, calls, cut };
}
