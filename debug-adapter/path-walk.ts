/**
 * Where a session stops along its programs' verifier paths: each program is a thread whose "execution" is its path,
 * run forward to the next breakpoint or reject, stepped by line or instruction either way, and a program past its
 * reject is finished. No DAP here: the session turns each answer into a stopped or terminated event.
 */
import { BreakpointSet } from './breakpoints';
import type { ProgramTrace } from './runtime/program-trace';

export type StopReason = 'exception' | 'breakpoint' | 'step' | 'entry' | 'instruction breakpoint' | 'goto';

/** Stop thread index `thread` (0-based) at step `step` of its path. */
export interface Stop { thread: number; step: number; reason: StopReason }

export class PathWalk {
  traces: ProgramTrace[] = [];
  readonly breakpoints = new BreakpointSet();
  private finished = new Set<number>();

  /** A new run's traces, each at its start and none finished. */
  reset(traces: ProgramTrace[]): void {
    this.traces = traces;
    this.finished.clear();
  }

  /** From thread `thread`'s step `from`, the next breakpoint or reject, then on to the next program; null: none stops. */
  forward(thread: number, from: number): Stop | null {
    for (let th = thread; th < this.traces.length; th++) {
      const t = this.traces[th];
      if (this.finished.has(th)) continue;
      const start = th === thread ? from + 1 : 0;
      for (let k = Math.max(0, start); k < t.length; k++) {
        if (this.breakpoints.hits(t, k) && !(t.rejected && k === t.length - 1)) {
          return { thread: th, step: k, reason: this.breakpoints.isInstructionHit(t, k) ? 'instruction breakpoint' : 'breakpoint' };
        }
      }
      if (t.rejected && t.length > 0 && start <= t.length - 1) return { thread: th, step: t.length - 1, reason: 'exception' };
      this.finished.add(th);
    }
    return null;
  }

  /** Continue thread `thread` from its cursor; at (or past) its reject it is done, and the next program runs. */
  continueFrom(thread: number): Stop | null {
    const t = this.traces[thread];
    if (t.cursor >= t.length - 1) {
      this.finished.add(thread);
      return this.forward(thread + 1, -1);
    }
    return this.forward(thread, t.cursor);
  }

  /** Back from thread `thread`'s cursor to the previous breakpoint, else to the path's first step. */
  backward(thread: number): Stop {
    const t = this.traces[thread];
    for (let k = t.cursor - 1; k >= 0; k--) if (this.breakpoints.hits(t, k)) return { thread, step: k, reason: 'breakpoint' };
    return { thread, step: 0, reason: 'entry' };
  }

  /** A step to `step` (by line, by instruction, out): on the reject it is the reject's stop again. */
  stepTo(thread: number, step: number): Stop {
    const t = this.traces[thread];
    return { thread, step, reason: t.rejected && step === t.length - 1 ? 'exception' : 'step' };
  }
}
