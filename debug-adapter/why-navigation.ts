import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ProgramTrace } from './runtime/program-trace';

/** Steps scanned at most for one request (a path can be a million steps long). */
const MAX_SCAN = 200_000;

/**
 * "Jump to Cursor" targets on a source line: the nearest step of the path on that line before the cursor (so a
 * jump to the causal path's origin line is one action back in time), then the nearest one after it.
 */
export function gotoTargets(t: ProgramTrace, file: string, line: number): DebugProtocol.GotoTarget[] {
  const want = path.resolve(file);
  const on = (k: number) => {
    const loc = t.location(k);
    return loc !== null && loc.line === line && path.resolve(loc.file) === want;
  };
  const targets: DebugProtocol.GotoTarget[] = [];
  for (let k = t.cursor - 1, n = 0; k >= 0 && n < MAX_SCAN; k--, n++) {
    if (!on(k)) continue;
    targets.push({ id: k, label: `back to insn ${t.insns[k]} (step ${k + 1} of ${t.length})`, line });
    break;
  }
  for (let k = t.cursor + 1, n = 0; k < t.length && n < MAX_SCAN; k++, n++) {
    if (!on(k)) continue;
    targets.push({ id: k, label: `forward to insn ${t.insns[k]} (step ${k + 1} of ${t.length})`, line });
    break;
  }
  return targets;
}

/** Source locations handed out as `valueLocationReference`s (a Why step's place), resolved by the `locations` request. */
export class LocationHandles {
  private readonly list: { file: string; line: number; column: number | null }[] = [];

  create(loc: { file: string; line: number; column: number | null }): number {
    this.list.push(loc);
    return this.list.length;
  }

  get(ref: number): { file: string; line: number; column: number | null } | undefined {
    return this.list[ref - 1];
  }

  reset(): void {
    this.list.length = 0;
  }
}
