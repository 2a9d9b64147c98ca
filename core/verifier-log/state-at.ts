import { OPCODE_CALL, bpfCallTarget, parseInsnLine } from './insn-line';
import { LineKind } from './line-kind';
import type { LogIndex } from './log-index';
import { emptyFrame, type FrameState } from './state-model';
import { parseState } from './state-parse';

export interface StateAt {
  /** The instruction line the state belongs to. */
  line: number;
  insn: number;
  /** The frame executing the instruction. */
  frame: number;
  /** Registers and stack of that frame before the instruction runs (after it, with `after`). */
  state: FrameState;
  /** Caller frames' states from the last `caller:` block, outermost first. */
  callers: FrameState[];
  /** How far back the rebuild had to read, in lines. */
  linesRead: number;
}

/** Merge `delta` (registers an instruction changed, or a partial state) into `base`. */
function merge(base: FrameState, delta: FrameState): void {
  for (const [r, v] of delta.regs) base.regs.set(r, v);
  for (const [o, s] of delta.stack) base.stack.set(o, s);
  if (delta.refs.length > 0) base.refs = delta.refs;
}

const textAfterColon = (text: string) => text.slice(text.indexOf(':') + 1);

/**
 * The register and stack state at instruction line `line`, rebuilt from the log on demand: back along the path
 * to the nearest full state (a `N:` state printed before instruction N, a `from X to Y:` state, a callee or caller
 * block, or a level-1 glued state), then forward through each instruction's `; R…` suffix.
 */
export function stateAt(ix: LogIndex, line: number, opts: { after?: boolean; maxLines?: number } = {}): StateAt | null {
  if (ix.kinds[line] !== LineKind.Insn) return null;
  const maxLines = opts.maxLines ?? 2_000_000;
  const target = parseInsnLine(ix.text(line));
  if (!target) return null;
  // walk back, remembering instruction lines (whose suffixes we replay) until an anchor
  const replay: number[] = [];
  let anchor: FrameState | null = null;
  let callers: FrameState[] = [];
  let i = line - 1;
  let read = 0;
  let nextInsn = target.insn; // the instruction that follows the line being looked at, on the path
  for (; i >= ix.first && read < maxLines; i--, read++) {
    const k = ix.kinds[i];
    if (k === LineKind.Insn) {
      const parsed = parseInsnLine(ix.text(i));
      if (parsed?.glued && parsed.glued.insn === nextInsn) { // level 1: the state popped for this branch
        anchor = parseState(parsed.glued.state);
        break;
      }
      replay.push(i);
      if (parsed) nextInsn = parsed.insn;
    } else if (k === LineKind.State) {
      const text = ix.text(i);
      const n = Number(text.slice(0, text.indexOf(':')));
      // after a note the previous instruction printed (`func 'f' arg0 has btf_id …`), the kernel prints only the
      // registers that instruction changed, not a full state: replayed like a suffix
      const afterNote = i > ix.first && ix.kinds[i - 1] === LineKind.Other;
      if (!afterNote && (n === nextInsn && replay.length === 0 || n === nextInsn && !isAfterJump(ix, i, n))) {
        anchor = parseState(textAfterColon(text));
        break;
      }
      replay.push(i); // a post-jump partial state: replayed like a suffix
    } else if (k === LineKind.From) {
      const m = /^from \d+ to \d+(?: \(speculative execution\))?: ?(.*)$/.exec(ix.text(i));
      anchor = parseState(m?.[1] ?? '');
      break;
    } else if (k === LineKind.FrameState) {
      // ` frame1: R1=…` after `callee:` / ` R6=…` after `caller:`: collect the block
      const block = frameBlock(ix, i);
      if (block) {
        anchor = block.callee;
        callers = block.callers;
        i = block.markerLine;
        break;
      }
    } else if (k === LineKind.Validating) {
      break;
    }
  }
  const state = anchor ?? emptyFrame(0);
  if (state.frame > 0 && callers.length === 0) callers = lastCallers(ix, i, state.frame, maxLines - read);
  for (let r = replay.length - 1; r >= 0; r--) applyLine(ix, replay[r], state);
  if (opts.after) applyLine(ix, line, state);
  return { line, insn: target.insn, frame: state.frame, state, callers, linesRead: read };
}

/** The caller frames of the last `caller:` block before line `from` whose callee is `frame`. */
function lastCallers(ix: LogIndex, from: number, frame: number, budget: number): FrameState[] {
  for (let j = from; j >= ix.first && budget > 0; j--, budget--) {
    if (ix.kinds[j] !== LineKind.CallMarker || ix.text(j) !== 'caller:') continue;
    const block = frameBlock(ix, j + 1);
    if (block && block.callee.frame === frame) return block.callers;
  }
  return [];
}

/** Is the `N:` state at line `i` the one printed after conditional jump N (a partial state)? */
function isAfterJump(ix: LogIndex, i: number, n: number): boolean {
  for (let j = i - 1; j >= ix.first && j > i - 8; j--) {
    if (ix.kinds[j] === LineKind.Insn) return parseInsnLine(ix.text(j))?.insn === n;
    if (ix.kinds[j] !== LineKind.Precision && ix.kinds[j] !== LineKind.Source) return false;
  }
  return false;
}

function applyLine(ix: LogIndex, i: number, state: FrameState): void {
  const text = ix.text(i);
  if (ix.kinds[i] === LineKind.State) {
    const delta = parseState(textAfterColon(text), state.frame);
    if (delta.frame === state.frame) merge(state, delta);
    return;
  }
  const insn = parseInsnLine(text);
  if (!insn) return;
  if (insn.opcode === OPCODE_CALL && bpfCallTarget(insn.insn, insn.text) === null) {
    for (let r = 1; r <= 5; r++) state.regs.delete(r); // helper calls clobber R1-R5
  }
  if (insn.state) {
    const delta = parseState(insn.state, state.frame);
    if (delta.frame !== state.frame) {
      state.frame = delta.frame; // entered or left a subprogram without a block in between
      state.regs.clear();
      state.stack.clear();
    }
    merge(state, delta);
  }
}

/** Around line `i`: a `caller:` / `callee:` (or `returning from callee:` / `to caller at N:`) block. */
function frameBlock(ix: LogIndex, i: number): { callee: FrameState; callers: FrameState[]; markerLine: number } | null {
  let start = i;
  while (start > ix.first && (ix.kinds[start - 1] === LineKind.FrameState || ix.kinds[start - 1] === LineKind.CallMarker)) start--;
  let end = i;
  while (end + 1 < ix.end && (ix.kinds[end + 1] === LineKind.FrameState || ix.kinds[end + 1] === LineKind.CallMarker)) end++;
  let section = '';
  const callers: FrameState[] = [];
  let current: FrameState | null = null;
  for (let j = start; j <= end; j++) {
    const text = ix.text(j);
    if (ix.kinds[j] === LineKind.CallMarker) {
      section = text;
      continue;
    }
    const st = parseState(text);
    if (section === 'caller:') callers.push(st);
    else current = st; // `callee:`, `returning from callee:` (the callee's last state) or `to caller at N:`
  }
  if (!current) return null;
  if (section === 'returning from callee:') return null; // the caller's state follows in `to caller at N:`
  return { callee: current, callers, markerLine: start };
}
