import type { CodeLens, Hover, Position } from 'vscode-languageserver/node';
import { CLayoutEngine } from '../core/layout/c-layout';
import { formatLayout, layoutSummary } from '../core/layout/format';
import type { StructLayoutResult } from '../core/lsp-ext';
import type { CFileModel, CRecordDecl } from '../core/source/c-model';
import type { Range } from '../core/source/range';

const inside = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character))
  && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

const displayName = (r: CRecordDecl) => (r.name ? `${r.tag} ${r.name}` : r.typedefName ?? `${r.tag} (anonymous)`);

/** Hover on a struct's name or on one of its members: the struct's layout, pahole-style. */
export function layoutHover(model: CFileModel, pos: Position): Hover | null {
  const rec = model.records.find((r) => inside(r.nameRange, pos) || (r.name !== null && r.fields.some((f) => inside(f.range, pos))));
  if (!rec) return null;
  const out = new CLayoutEngine(model).structLayout(rec);
  const body = out.ok
    ? `${layoutSummary(out.value)} (BPF target)\n\n\`\`\`c\n${formatLayout(out.value)}\n\`\`\``
    : `${displayName(rec)}: no layout from this file alone (${out.reason}).`;
  return { contents: { kind: 'markdown', value: body }, range: rec.nameRange };
}

/** A code lens on each struct a map uses as key or value: size, alignment, padding. */
export function layoutLenses(model: CFileModel): CodeLens[] {
  const engine = new CLayoutEngine(model);
  const lenses: CodeLens[] = [];
  const seen = new Set<CRecordDecl>();
  for (const map of model.maps) {
    for (const [role, type] of [['key', map.key], ['value', map.value]] as const) {
      const rec = type ? engine.resolveRecord(type) : undefined;
      if (!rec || seen.has(rec)) continue;
      seen.add(rec);
      const out = engine.structLayout(rec);
      if (!out.ok) continue;
      lenses.push({ range: rec.nameRange, command: { title: `${layoutSummary(out.value)} — ${role} of map '${map.name}'`, command: '' } });
    }
  }
  return lenses;
}

export function structLayoutOf(model: CFileModel, name: string): StructLayoutResult {
  const want = name.replace(/^(struct|union) /, '');
  const rec = model.records.find((r) => r.name === want || r.typedefName === want);
  if (!rec) return { error: `no struct or union named '${name}' in this document` };
  const out = new CLayoutEngine(model).structLayout(rec);
  return out.ok ? { layout: out.value } : { error: out.reason };
}
