import { LineKind } from '../line-kind';
import type { LogIndex } from '../log-index';
import { parseSourceLine } from '../path';
import type { SourceLookup } from './causal-path';

/** Per source line, the instructions the log shows processed there and the branch states explored there. */
export interface HotLine {
  file: string | null;
  line: number | null;
  /** The source text (the log's annotation or line_info). */
  text: string;
  insns: number;
  states: number;
}

/** The complexity rejects: too many instructions, too many states, too long a jump sequence, a loop. */
export const COMPLEXITY_REJECT = /BPF program is too large|is too complex|too many states|The sequence of \d+ jumps is too complex|infinite loop detected|back-edge from insn/;

export function isComplexityReject(messageLines: string[]): boolean {
  return messageLines.some((l) => COMPLEXITY_REJECT.test(l));
}

const FROM_TO = /^from \d+ to (\d+)/;

/**
 * Hot lines, busiest first. Every instruction line of the log counts once for its source line: at level 1 the log
 * is the failing path (the verifier rewound the rest), at level 2 every explored branch. `states` counts the
 * `from X to Y:` branch states explored from that line (level 2; a level-1 log prints none). One pass over the
 * index's typed arrays; a string is made only for the first annotation of each instruction.
 */
export function hotLines(ix: LogIndex, opts: { locate?: SourceLookup | null; top?: number } = {}): HotLine[] {
  const { insnIndex, insnLines, kinds } = ix;
  let maxInsn = 0;
  for (let p = 0; p < insnIndex.length; p++) if (insnIndex[p] > maxInsn) maxInsn = insnIndex[p];
  const count = new Uint32Array(maxInsn + 1);
  const states = new Uint32Array(maxInsn + 1);
  // the log's own annotation of an instruction: the `; …` line right above its first occurrence
  const annotated = new Int32Array(maxInsn + 1).fill(-1);
  for (let p = 0; p < insnIndex.length; p++) {
    const insn = insnIndex[p];
    count[insn]++;
    const line = insnLines[p];
    if (annotated[insn] < 0 && line > ix.first && kinds[line - 1] === LineKind.Source) annotated[insn] = line - 1;
  }
  for (let i = ix.first; i < ix.end; i++) {
    if (kinds[i] !== LineKind.From) continue;
    const m = FROM_TO.exec(ix.text(i));
    if (m && Number(m[1]) <= maxInsn) states[Number(m[1])]++;
  }
  const byLine = new Map<string, HotLine>();
  let current: { file: string | null; line: number | null; text: string } | null = null;
  for (let insn = 0; insn <= maxInsn; insn++) {
    if (count[insn] === 0 && states[insn] === 0) continue;
    const exact = opts.locate?.(insn) ?? null;
    let src = exact;
    if (!src) {
      if (annotated[insn] >= 0) {
        const a = parseSourceLine(ix.text(annotated[insn]));
        if (a.line !== 0) current = a; // `;  @ f.c:0` is compiler-made code: it belongs to the line before
      }
      src = current && { file: current.file ?? '', line: current.line ?? 0, column: null, text: current.text };
    }
    if (!src) continue;
    const key = `${src.file}:${src.line}:${src.file ? '' : src.text}`;
    let h = byLine.get(key);
    if (!h) byLine.set(key, (h = { file: src.file || null, line: src.line || null, text: src.text, insns: 0, states: 0 }));
    h.insns += count[insn];
    h.states += states[insn];
  }
  return [...byLine.values()].sort((a, b) => b.insns - a.insns || b.states - a.states).slice(0, opts.top ?? 10);
}
