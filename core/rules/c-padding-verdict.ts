import type { CLayoutEngine } from '../layout/c-layout';
import type { CFileModel, CRecordDecl, CTypeRef } from '../source/c-model';
import type { WriteState } from '../source/c-struct-writes';
import type { Range } from '../source/range';
import type { Severity } from './finding';

/** What the C rules know of the project around a file. */
export interface CLintContext {
  /** C struct names some kernel-bound Go type mirrors (SourceAnalyzer.goMirrors, filled by the Go side). */
  goMirrors?: ReadonlySet<string>;
}

/** One place a padded struct's bytes leave the program (a map helper's key, an event sent), and how they were filled. */
export interface WrittenUse {
  init?: WriteState;
  range: Range;
}

/**
 * The severity and the sentence for a padded struct from how each use fills it: a warning where some use can leave
 * the padding unwritten, an info that says so where every use zeroes it first, and an info that says what could not
 * be followed otherwise (a false alarm costs more than a missed finding).
 */
export function paddingVerdict(uses: WrittenUse[], what: string): { severity: Severity; sentence: string; related: { message: string; range: Range }[] } {
  const unwritten = uses.filter((u) => u.init?.state === 'unwritten');
  const zeroed = uses.filter((u) => u.init?.state === 'zeroed');
  const unknown = uses.filter((u) => !u.init || (u.init.state !== 'unwritten' && u.init.state !== 'zeroed'));
  const at = (u: WrittenUse) => `line ${u.range.start.line + 1}`;
  const why = (u: WrittenUse) => `${u.init?.why ?? 'not followed'}${u.init?.at ? ` at line ${u.init.at.line + 1}` : ''}`;
  if (uses.length === 0) {
    return { severity: 'warning', related: [], sentence: `No helper call in this file shows how ${what} is filled (user space may fill it), so nothing says the padding is zeroed. ` };
  }
  if (unwritten.length > 0) {
    const first = unwritten[0];
    return {
      severity: 'warning',
      related: unwritten.map((u) => ({ message: `here its padding is left unwritten: ${why(u)}`, range: u.range })),
      sentence: `At ${at(first)} its padding is left unwritten (${why(first)})${unwritten.length > 1 ? `, and at ${unwritten.length - 1} more use${unwritten.length > 2 ? 's' : ''}` : ''}. `,
    };
  }
  if (unknown.length === 0) {
    return {
      severity: 'info', related: [],
      sentence: `Every use in this file zeroes it first (${[...new Set(zeroed.map(why))].slice(0, 2).join('; ')}), so the padding holds zeroes; keep it that way, or make the padding explicit. `,
    };
  }
  const u = unknown[0];
  return {
    severity: 'info', related: [],
    sentence: `${zeroed.length > 0 ? `${zeroed.length} use${zeroed.length === 1 ? '' : 's'} zero it first; ` : ''}at ${at(u)} this tool cannot see how it is filled (${why(u)}), so this is not a warning. `,
  };
}

/** Advice for the user-space side: Go's `_ [N]byte` only where a Go type mirrors the struct, C terms otherwise. */
export function userSpaceAdvice(rec: CRecordDecl, ctx: CLintContext): string {
  return isGoMirrored(rec, ctx)
    ? 'and give the Go type that mirrors it the same holes as `_ [N]byte` fields (encoding/binary packs padding away).'
    : 'so user space reading it (with the same C struct) gets no stale kernel bytes.';
}

/** Whether some kernel-bound Go type mirrors this struct (by its tag or typedef name). */
export function isGoMirrored(rec: CRecordDecl, ctx: CLintContext): boolean {
  return [rec.name, rec.typedefName].some((n) => n && ctx.goMirrors?.has(n));
}

/** A named struct (by tag or typedef) declared in this file, not in a header: its finding and fix sit at its name. */
export function isDefinedHere(model: CFileModel, rec: CRecordDecl): boolean {
  return (rec.name !== null || rec.typedefName !== undefined) && model.records.includes(rec);
}

/** Uses grouped by the record their type resolves to (each resolved once), in the order of each record's first use. */
export function groupByRecord<U extends { type?: CTypeRef | null }>(engine: CLayoutEngine, uses: U[]): Map<CRecordDecl, U[]> {
  const out = new Map<CRecordDecl, U[]>();
  for (const u of uses) {
    const rec = u.type ? engine.resolveRecord(u.type) : undefined;
    if (!rec) continue;
    const group = out.get(rec);
    if (group) group.push(u);
    else out.set(rec, [u]);
  }
  return out;
}
