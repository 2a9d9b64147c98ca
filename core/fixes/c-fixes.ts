import { CLayoutEngine } from '../layout/c-layout';
import type { StructLayout } from '../layout/types';
import type { CFieldDecl, CFileModel, CRecordDecl } from '../source/c-model';
import { memberGaps, padNames, totalPadding } from './padding-gaps';
import { byAlignment, declarationExtent, insertionAfter, reorderEdit, SourceText, type Fix } from './text-edit';

/**
 * Structs whose padding a member can fill: not unions, not packed (a packed struct's holes are in nested records), and
 * without `#if`s in the body (the holes differ from one configuration to the next).
 */
const paddable = (rec: CRecordDecl, model?: CFileModel) => rec.tag === 'struct' && !rec.packed && rec.fields.length > 0 && !(model && conditionalBody(model, rec));

/** A preprocessor conditional between the record's braces. */
function conditionalBody(model: CFileModel, rec: CRecordDecl): boolean {
  const inside = (p: { line: number; character: number }) => (p.line > rec.range.start.line || (p.line === rec.range.start.line && p.character > rec.range.start.character))
    && (p.line < rec.range.end.line || (p.line === rec.range.end.line && p.character < rec.range.end.character));
  return (model.directives ?? []).some((d) => d.kind !== 'define' && d.kind !== 'undef' && d.kind !== 'include' && inside(d.at));
}
/** Structs a reorder can help: bitfields share storage units, so moving them changes more than the padding. */
const reorderable = (rec: CRecordDecl, model: CFileModel) => paddable(rec, model) && rec.fields.every((f) => f.bitWidth === undefined);

/** Insert `__u8 __padN[size];` members where the struct's own members leave padding, so the bytes exist and get zeroed. */
export function cPaddingFix(model: CFileModel, rec: CRecordDecl, layout: StructLayout): Fix | null {
  if (!paddable(rec, model)) return null;
  const gaps = memberGaps(layout.fields, layout.size);
  if (gaps.length === 0) return null;
  // the layout lists the members that hold data: unnamed bitfields (`__u32 : 3;`, `: 0`) have no entry there
  const members = rec.fields.filter((f) => !(f.bitWidth !== undefined && f.name === null));
  // a gap inside one declaration (`__u32 a : 3, b : 30;`) has no place for a new member
  const sameDecl = (a: CFieldDecl, b: CFieldDecl | undefined) => b !== undefined && a.declRange.start.line === b.declRange.start.line
    && a.declRange.start.character === b.declRange.start.character;
  if (gaps.some((g) => sameDecl(members[g.after], members[g.after + 1]))) return null;
  const src = new SourceText(model.source);
  const name = padNames(rec.fields.map((f) => f.name), '__pad');
  const pads = gaps.map((g) => `__u8 ${name()}[${g.size}];`);
  return {
    title: `Insert explicit padding (${pads.map((m) => m.replace(/^__u8 |;$/g, '')).join(', ')})`,
    edits: gaps.map((g, i) => insertionAfter(src, members[g.after].declRange, pads[i])),
    preferred: true,
  };
}

/** The member declarations of a record, in order: `__u32 a, b;` is one unit. */
function declarationUnits(fields: { declRange: CFieldDecl['declRange'] }[]): number[][] {
  const units: number[][] = [];
  fields.forEach((f, i) => {
    const last = units[units.length - 1];
    if (last && fields[last[0]].declRange.start.line === f.declRange.start.line && fields[last[0]].declRange.start.character === f.declRange.start.character) last.push(i);
    else units.push([i]);
  });
  return units;
}

/**
 * Move whole member declarations (with their comments) into order of decreasing alignment, when that leaves less
 * padding. `units` groups field indexes by declaration; `aligns` is each field's alignment.
 */
export function reorderFix(source: string, fields: { declRange: CFieldDecl['declRange'] }[], aligns: number[], describe: (order: number[]) => string | null): Fix | null {
  const units = declarationUnits(fields);
  const order = byAlignment(units.map((u) => Math.max(...u.map((i) => aligns[i]))));
  if (order.every((u, i) => u === i)) return null;
  const what = describe(order.flatMap((u) => units[u]));
  if (!what) return null;
  const src = new SourceText(source);
  const edit = reorderEdit(src, units.map((u) => declarationExtent(src, fields[u[0]].declRange)), order);
  return edit ? { title: `Reorder fields by alignment (${what})`, edits: [edit] } : null;
}

export function cReorderFix(model: CFileModel, rec: CRecordDecl, layout: StructLayout): Fix | null {
  if (!reorderable(rec, model)) return null;
  return reorderFix(model.source, rec.fields, layout.fields.map((f) => f.align), (order) => {
    const moved: CRecordDecl = { ...rec, fields: order.map((i) => rec.fields[i]) };
    const after = new CLayoutEngine(model).structLayout(moved);
    if (!after.ok || totalPadding(after.value.holes) >= totalPadding(layout.holes)) return null;
    const left = totalPadding(after.value.holes);
    return `size ${layout.size} → ${after.value.size}, ${left === 0 ? 'no padding' : `${left} byte${left === 1 ? '' : 's'} of padding`}`;
  });
}

/** The fixes for a padded C struct: explicit padding (preferred) and, when it helps, a reorder. */
export function cStructFixes(model: CFileModel, rec: CRecordDecl, layout: StructLayout): Fix[] {
  return [cPaddingFix(model, rec, layout), cReorderFix(model, rec, layout)].filter((f): f is Fix => f !== null);
}
