import path from 'node:path';
import type { ProgramSourceMap } from '../../core/source-map/insn-to-source';
import type { VerifiedProgram } from '../../core/verify/verify-object';
import { OPCODE_CALL, OPCODE_EXIT, parseInsnLine } from '../../core/verifier-log/insn-line';
import { LineKind } from '../../core/verifier-log/line-kind';
import type { LogIndex } from '../../core/verifier-log/log-index';
import { callTargetAt, opcodeAt, parseSourceLine, walkPathBack } from '../../core/verifier-log/path';
import { stateAt, type StateAt } from '../../core/verifier-log/state-at';
import { resolveSourceFile } from '../../core/verify/resolve-source';
import { HOST_KERNEL } from '../../core/editor-events';

export interface StepLocation {
  file: string;
  line: number;
  column: number;
}

export interface TraceFrame {
  /** 0 = the innermost (current) frame. */
  depth: number;
  /** The frame's number as the verifier counts it (0 = entry function). */
  frameNo: number;
  /** The step this frame is at: the current step for the innermost, the call site for callers. */
  step: number;
  insn: number;
  name: string;
}


/**
 * One program's walk through the verifier's log: the instructions a user can step through (the path to the
 * reject, or at level 2 an accepted program's whole exploration in the verifier's order), with the source
 * location, frames and register state of each step, computed on demand.
 */
export class ProgramTrace {
  readonly index: LogIndex;
  /** Instruction index and log line of each step. */
  readonly insns: Uint32Array;
  readonly lines: Uint32Array;
  cursor: number;
  private readonly textCache = new Map<number, string>();

  /** `kernel`: the kernel whose log this is, as the launch configuration names it (`host`, `6.1`). */
  constructor(readonly program: VerifiedProgram, readonly map: ProgramSourceMap | null, private readonly roots: string[], readonly kernel = HOST_KERNEL) {
    this.index = program.index;
    const { summary } = program;
    if (program.report.verdict === 'rejected' && summary.insnLogLine !== null) {
      const walk = walkPathBack(this.index, summary.insnLogLine);
      this.insns = walk.insns;
      this.lines = walk.lines;
    } else {
      this.insns = Uint32Array.from(this.index.insnIndex);
      this.lines = Uint32Array.from(this.index.insnLines);
    }
    this.cursor = Math.max(0, this.insns.length - 1);
  }

  get length(): number {
    return this.insns.length;
  }

  get rejected(): boolean {
    return this.program.report.verdict === 'rejected';
  }

  /** Source location of a step: the object's line_info, else the log's last annotation before it. */
  location(step: number): StepLocation | null {
    const insn = this.insns[step];
    const exact = this.map?.location(insn);
    if (exact) return { file: this.resolve(exact.file), line: exact.line, column: exact.column || 1 };
    for (let i = this.lines[step]; i >= this.index.first && i > this.lines[step] - 5000; i--) {
      if (this.index.kinds[i] !== LineKind.Source) continue;
      const a = parseSourceLine(this.index.text(i));
      if (a.file && a.line) return { file: this.resolve(a.file), line: a.line, column: 1 };
    }
    return null;
  }

  private resolve(file: string): string {
    return path.isAbsolute(file) ? file : resolveSourceFile(file, this.roots) ?? file;
  }

  /** The verifier's text of an instruction, as it printed it on this step. */
  insnText(step: number): string {
    let t = this.textCache.get(step);
    if (t === undefined) {
      t = parseInsnLine(this.index.text(this.lines[step]))?.text ?? '';
      this.textCache.set(step, t);
    }
    return t;
  }

  private opcode(step: number): number {
    return opcodeAt(this.index.buf, this.index.lineStart[this.lines[step]]);
  }

  /** `call pc+K` reaching the next step's instruction: a bpf-to-bpf call taken on this path. */
  private enters(step: number): boolean {
    if (step + 1 >= this.length || this.opcode(step) !== OPCODE_CALL) return false;
    return callTargetAt(this.index.buf, this.index.lineStart[this.lines[step]]) === this.insns[step + 1];
  }

  private depths: Int32Array | undefined;

  /** Call depth of every step, from one forward pass: a taken `call pc+K` goes in, a callee's exit comes out. */
  private depthTable(): Int32Array {
    if (this.depths) return this.depths;
    const d = new Int32Array(this.length);
    let depth = 0;
    for (let k = 0; k < this.length; k++) {
      d[k] = depth;
      if (this.enters(k)) depth++;
      else if (depth > 0 && this.opcode(k) === OPCODE_EXIT) depth--;
    }
    this.depths = d;
    return d;
  }

  depth(step: number): number {
    return this.depthTable()[step];
  }

  /** Frames at `step`, innermost first: each caller is at the last call that entered the next frame. */
  frames(step: number): TraceFrame[] {
    const d = this.depthTable();
    const out: TraceFrame[] = [{ depth: 0, frameNo: d[step], step, insn: this.insns[step], name: '' }];
    let want = d[step] - 1;
    for (let k = step - 1; k >= 0 && want >= 0; k--) {
      if (d[k] === want && this.enters(k)) {
        out.push({ depth: out.length, frameNo: want, step: k, insn: this.insns[k], name: '' });
        want--;
      }
    }
    for (const f of out) {
      const loc = this.map?.location(f.insn);
      f.name = loc?.function ?? (f.frameNo === 0 ? this.program.report.name : `subprog frame ${f.frameNo}`);
    }
    return out;
  }

  state(step: number, after = false): StateAt | null {
    return stateAt(this.index, this.lines[step], { after });
  }

  /** The step that moves `dir` (+1/-1) to another source line, in this frame or an outer one (step over). */
  nextLine(from: number, dir: 1 | -1, into = false): number {
    const here = this.location(from);
    const depth = this.depth(from);
    for (let k = from + dir; k >= 0 && k < this.length; k += dir) {
      if (!into && this.depth(k) > depth) continue;
      const loc = this.location(k);
      if (!loc || !here || loc.line !== here.line || loc.file !== here.file) return k;
    }
    return dir > 0 ? this.length - 1 : 0;
  }

  /** The first step after `from` in an outer frame (step out). */
  outOf(from: number): number {
    const depth = this.depth(from);
    if (depth === 0) return this.length - 1;
    for (let k = from + 1; k < this.length; k++) if (this.depth(k) < depth) return k;
    return this.length - 1;
  }
}
