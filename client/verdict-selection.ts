/**
 * Which verdicts an origin's Problems collection shows, and their shape: free of `vscode` (types only) so it runs
 * under node:test. The store already keeps only the newest verdict per (unit, program, kernel) across origins, so a
 * program verified again by a save or a session is no longer any older origin's entry.
 */
import { HOST_KERNEL, type VerdictOrigin } from '../core/editor-events';
import { shapeReject, SourceLines, type ShapedReject } from '../core/verify/reject-shape';
import type { VerdictEntry } from './verdict-store';

export interface ShownReject {
  entry: VerdictEntry;
  shape: ShapedReject;
}

/**
 * The rejects among `entries` of `origin`, oldest first, each shaped. A program the origin's newest report of the
 * same unit and kernel no longer has (renamed, deleted) is left out: that report is what the origin now says of it.
 */
export function shownRejects(entries: readonly VerdictEntry[], origin: VerdictOrigin, lines: SourceLines = new SourceLines()): ShownReject[] {
  const own = entries.filter((e) => e.origin === origin);
  const newest = new Map<string, VerdictEntry>();
  for (const e of own) {
    const key = `${e.unit}\0${e.kernel}`;
    const seen = newest.get(key);
    if (!seen || e.at >= seen.at) newest.set(key, e);
  }
  const out: ShownReject[] = [];
  for (const e of own) {
    if (e.program.verdict === 'accepted') continue;
    const latest = newest.get(`${e.unit}\0${e.kernel}`)!.report;
    if (latest !== e.report && !latest.programs.some((p) => p.name === e.program.name)) continue;
    const shape = shapeReject(e.program, e.report.source ?? null, lines);
    if (!shape) continue;
    out.push({ entry: e, shape: e.kernel === HOST_KERNEL ? shape : { ...shape, message: `[kernel ${e.kernel}] ${shape.message}` } });
  }
  return out;
}

/** The rejects by file, in the order they were given. */
export function byFile<T extends { shape: { file: string } }>(shown: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const s of shown) {
    const list = out.get(s.shape.file) ?? [];
    list.push(s);
    out.set(s.shape.file, list);
  }
  return out;
}
