import type { CodeLens, Hover, Position } from 'vscode-languageserver/node';
import type { SourceAnalysis } from '../core/analyze/analyze-source';
import { CLayoutEngine } from '../core/layout/c-layout';
import { formatLayout, layoutSummary } from '../core/layout/format';
import { GoLayoutEngine, type GoStructLayout } from '../core/layout/go-layout';
import type { LayoutOutcome, StructLayout } from '../core/layout/types';
import type { StructLayoutResult } from '../core/lsp-ext';
import type { CRecordDecl } from '../core/source/c-model';
import { cStructUses } from '../core/source/c-usage';
import type { Range } from '../core/source/range';

/** What the server keeps of a document's last analysis. */
export type DocumentAnalysis = SourceAnalysis;

const inside = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character))
  && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

const displayName = (r: CRecordDecl) => (r.name ? `${r.tag} ${r.name}` : r.typedefName ?? `${r.tag} (anonymous)`);

function hoverBody(out: LayoutOutcome<StructLayout>, name: string, target: string, fence: string): string {
  return out.ok
    ? `${layoutSummary(out.value)} (${target})${binaryNote(out.value)}\n\n\`\`\`${fence}\n${formatLayout(out.value)}\n\`\`\``
    : `${name}: no layout from this file alone (${out.reason}).`;
}

function binaryNote(s: StructLayout): string {
  const bin = (s as GoStructLayout).binarySize;
  if (bin === undefined) return '';
  return bin === null ? '; encoding/binary cannot size it' : bin === s.size ? `; encoding/binary ${bin}` : `; encoding/binary packs it to ${bin}`;
}

/** Hover on a struct's name or on one of its members: the struct's layout, pahole-style. */
export function layoutHover(a: DocumentAnalysis, pos: Position): Hover | null {
  if (a.cModel) {
    const model = a.cModel;
    const rec = model.records.find((r) => inside(r.nameRange, pos) || (r.name !== null && r.fields.some((f) => inside(f.range, pos))));
    if (!rec) return null;
    return { contents: { kind: 'markdown', value: hoverBody(new CLayoutEngine(model).structLayout(rec), displayName(rec), 'BPF target', 'c') }, range: rec.nameRange };
  }
  if (a.goModel) {
    const s = a.goModel.structs.find((x) => inside(x.nameRange, pos) || x.fields.some((f) => inside(f.range, pos)));
    if (!s) return null;
    return { contents: { kind: 'markdown', value: hoverBody(new GoLayoutEngine(a.goModel).structLayout(s), s.name, 'amd64 and arm64', 'go') }, range: s.nameRange };
  }
  return null;
}

/** A code lens on each struct a map uses as key or value, an output helper sends, or Go hands to the kernel. */
export function layoutLenses(a: DocumentAnalysis): CodeLens[] {
  const lenses: CodeLens[] = [];
  if (a.cModel) {
    const engine = new CLayoutEngine(a.cModel);
    const seen = new Set<CRecordDecl>();
    for (const use of cStructUses(a.cModel)) {
      const rec = engine.resolveRecord(use.type);
      if (!rec || seen.has(rec) || !a.cModel.records.includes(rec)) continue; // a header's struct gets its lens in the header
      seen.add(rec);
      const out = engine.structLayout(rec);
      if (out.ok) lenses.push({ range: rec.nameRange, command: { title: `${layoutSummary(out.value)} — ${use.why}`, command: '' } });
    }
  }
  if (a.goModel && a.goUses) {
    const engine = new GoLayoutEngine(a.goModel);
    for (const s of a.goModel.structs) {
      const use = a.goUses.get(s.name);
      const out = use ? engine.structLayout(s) : undefined;
      if (use && out?.ok) lenses.push({ range: s.nameRange, command: { title: `${layoutSummary(out.value)}${binaryNote(out.value)} — ${use.why}`, command: '' } });
    }
  }
  return lenses;
}

export function structLayoutOf(a: DocumentAnalysis, name: string): StructLayoutResult {
  if (a.goModel) {
    const s = a.goModel.structs.find((x) => x.name === name);
    if (!s) return { error: `no struct type named '${name}' in this document` };
    const out = new GoLayoutEngine(a.goModel).structLayout(s);
    return out.ok ? { layout: out.value } : { error: out.reason };
  }
  const model = a.cModel!;
  const want = name.replace(/^(struct|union) /, '');
  const rec = model.records.find((r) => r.name === want || r.typedefName === want);
  if (!rec) return { error: `no struct or union named '${name}' in this document` };
  const out = new CLayoutEngine(model).structLayout(rec);
  return out.ok ? { layout: out.value } : { error: out.reason };
}
