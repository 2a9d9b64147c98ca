import type { Position } from 'vscode-languageserver-protocol';
import type { CLayoutEngine } from '../core/layout/c-layout';
import type { CFileModel, CRecordDecl } from '../core/source/c-model';
import type { Range } from '../core/source/range';

/** A struct or union named at a position of a C document, other than at its declaration. */
export interface StructUse {
  /** The definition: in the document or in a header it includes. */
  rec?: CRecordDecl;
  /** `struct name` / `union name` as written, when it has no source definition (BTF may still know it). */
  tag?: 'struct' | 'union';
  name: string;
  /** The identifier hovered. */
  range: Range;
}

const IDENT = /[A-Za-z_]\w*/g;

/**
 * The struct a type name at `pos` refers to: `struct flow_key k;`, `(struct event *)data`, `sizeof(struct k)`, a
 * typedef name (`flow_key_t k;`). Read from the line's text, since the model keeps declarations, not every use: a
 * word counts only after `struct`/`union`, or as a typedef name that resolves to a record, and never in a `//`
 * comment or after `.`/`->` (a member named like a typedef is a member, not the type).
 */
export function structUseAt(model: CFileModel, engine: CLayoutEngine, pos: Position): StructUse | undefined {
  const line = lineOf(model.source, pos.line);
  if (line === undefined) return undefined;
  for (const m of line.matchAll(IDENT)) {
    const start = m.index;
    const end = start + m[0].length;
    if (pos.character < start || pos.character > end) continue;
    const before = line.slice(0, start);
    if (before.includes('//') || /(\.|->)\s*$/.test(before)) return undefined;
    const range = { start: { line: pos.line, character: start }, end: { line: pos.line, character: end } };
    const tagged = /\b(struct|union)\s+$/.exec(before);
    if (tagged) {
      const tag = tagged[1] as 'struct' | 'union';
      return { rec: engine.findRecord(tag, m[0]), tag, name: `${tag} ${m[0]}`, range };
    }
    const rec = engine.resolveRecord({ kind: 'named', name: m[0] });
    return rec ? { rec, name: m[0], range } : undefined;
  }
  return undefined;
}

function lineOf(text: string, line: number): string | undefined {
  let start = 0;
  for (let i = 0; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return undefined;
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  return text.slice(start, nl === -1 ? undefined : nl);
}
