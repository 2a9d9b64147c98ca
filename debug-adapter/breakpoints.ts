import type { ProgramTrace } from './runtime/program-trace';

/** Source and instruction breakpoints, matched against the steps of a program's path. */
export class BreakpointSet {
  private readonly source = new Map<string, Set<number>>();
  private instructions = new Set<number>();

  setSource(file: string, lines: number[]): void {
    this.source.set(file, new Set(lines));
  }

  setInstructions(insns: number[]): void {
    this.instructions = new Set(insns);
  }

  isInstructionHit(t: ProgramTrace, step: number): boolean {
    return this.instructions.has(t.insns[step]);
  }

  /** Does `step` arrive at a breakpoint? A source line stops once per arrival, not on each of its instructions. */
  hits(t: ProgramTrace, step: number): boolean {
    if (this.isInstructionHit(t, step)) return true;
    if (this.source.size === 0) return false;
    const loc = t.location(step);
    if (!loc || !this.source.get(loc.file)?.has(loc.line)) return false;
    const prev = step > 0 ? t.location(step - 1) : null;
    return !prev || prev.line !== loc.line || prev.file !== loc.file;
  }

  /** The source lines of `file` some program's path reaches (a breakpoint elsewhere can never stop). */
  static reachedLines(traces: ProgramTrace[], file: string): Set<number> {
    const reached = new Set<number>();
    for (const t of traces) {
      for (let k = 0; k < t.length; k++) {
        const l = t.location(k);
        if (l && l.file === file) reached.add(l.line);
      }
    }
    return reached;
  }
}
