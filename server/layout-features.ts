import type { CodeLens, Hover, Position } from 'vscode-languageserver-protocol';
import type { SourceAnalysis } from '../core/analyze/analyze-source';
import { CLayoutEngine } from '../core/layout/c-layout';
import { formatLayout, layoutSummary } from '../core/layout/format';
import { GoLayoutEngine, type GoStructLayout } from '../core/layout/go-layout';
import type { LayoutOutcome, StructLayout } from '../core/layout/types';
import { SHOW_STRUCT_LAYOUT_COMMAND, type StructLayoutResult } from '../core/lsp-ext';
import type { CFileModel, CRecordDecl } from '../core/source/c-model';
import { cStructUses } from '../core/source/c-usage';
import type { Range } from '../core/source/range';
import path from 'node:path';
import { structUseAt } from './struct-use-at';

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

/** What a hover on one member adds: where it sits and the padding on either side of it. */
function memberNote(layout: StructLayout, name: string): string {
  const f = layout.fields.find((x) => x.name === name);
  if (!f) return '';
  const plural = (n: number) => `${n} byte${n === 1 ? '' : 's'}`;
  const at = f.bitSize !== undefined ? `bits ${f.bitOffset}..${f.bitOffset! + f.bitSize - 1} (storage unit at offset ${f.offset})` : `offset ${f.offset}`;
  const end = f.offset + f.size;
  const before = f.bitSize === undefined ? layout.holes.find((h) => h.offset + h.size === f.offset) : undefined;
  const after = f.bitSize === undefined ? layout.holes.find((h) => h.offset === end) : undefined;
  const around = [
    before ? `after a ${before.size}-byte hole` : '',
    after ? (after.trailing ? `followed by ${plural(after.size)} of trailing padding` : `followed by a ${after.size}-byte hole`) : '',
  ].filter(Boolean).join(', ');
  return `**${name}**: ${at}, size ${f.size}, align ${f.align}${around ? `; ${around}` : ''}\n\n`;
}

function hover(out: LayoutOutcome<StructLayout>, name: string, target: string, fence: string, member: string | undefined, range: Range): Hover {
  const note = out.ok && member ? memberNote(out.value, member) : '';
  return { contents: { kind: 'markdown', value: note + hoverBody(out, name, target, fence) }, range };
}

/** Hover on a struct's name, or on one of its members (where that member sits, then the whole layout), pahole-style. */
export function layoutHover(a: DocumentAnalysis, pos: Position): Hover | null {
  if (a.cModel) {
    const model = a.cModel;
    const named = (r: CRecordDecl) => r.name !== null || r.typedefName !== undefined;
    for (const rec of model.records) {
      const member = named(rec) ? rec.fields.find((f) => inside(f.range, pos)) : undefined;
      if (!member && !inside(rec.nameRange, pos)) continue;
      return hover(new CLayoutEngine(model).structLayout(rec), displayName(rec), 'BPF target', 'c', member?.name ?? undefined, member?.range ?? rec.nameRange);
    }
    const use = useHover(model, pos);
    if (use) return use;
    // a member of an anonymous struct or union: the layout of the innermost named record around it
    const around = model.records.filter((r) => named(r) && inside(r.range, pos) && r.fields.some((f) => inside(f.declRange, pos)))
      .sort((x, y) => (y.range.start.line - x.range.start.line) || (y.range.start.character - x.range.start.character))[0];
    const inner = model.records.filter((r) => !named(r)).flatMap((r) => r.fields).find((f) => inside(f.declRange, pos));
    if (around && inner) return hover(new CLayoutEngine(model).structLayout(around), displayName(around), 'BPF target', 'c', undefined, inner.declRange);
    return null;
  }
  if (a.goModel) {
    for (const s of a.goModel.structs) {
      const member = s.fields.find((f) => inside(f.range, pos));
      if (!member && !inside(s.nameRange, pos)) continue;
      return hover(new GoLayoutEngine(a.goModel).structLayout(s), s.name, 'amd64 and arm64', 'go', member?.name, member?.range ?? s.nameRange);
    }
  }
  return null;
}

/**
 * Hover on a use of a struct (`struct k key;`, a cast, `sizeof(struct k)`, a typedef name): the same layout as on its
 * declaration, wherever that is (this file, an included header), or the object's BTF when no source declares it.
 */
function useHover(model: CFileModel, pos: Position): Hover | null {
  const engine = new CLayoutEngine(model);
  const use = structUseAt(model, engine, pos);
  if (!use) return null;
  if (use.rec) {
    const where = model.records.includes(use.rec) ? '' : headerNote(model, use.rec);
    const h = hover(engine.structLayout(use.rec), displayName(use.rec), 'BPF target', 'c', undefined, use.range);
    return where ? { ...h, contents: { kind: 'markdown', value: `${where}\n\n${(h.contents as { value: string }).value}` } } : h;
  }
  const btf = use.tag && (model.btf ?? []).map((b) => ({ origin: b.origin, l: b.structLayout?.(use.tag!, use.name.slice(use.tag!.length + 1)) })).find((x) => x.l);
  if (btf && btf.l) return hover({ ok: true, value: btf.l }, use.name, `BPF target, from ${btf.origin}`, 'c', undefined, use.range);
  return null; // unknown here: say nothing rather than guess
}

/** Which included header declares `rec`. */
function headerNote(model: CFileModel, rec: CRecordDecl): string {
  const header = model.headers?.find((h) => h.records.includes(rec));
  return header?.file ? `Declared in \`${path.basename(header.file)}\`` : '';
}

/** A code lens on each struct a map uses as key or value, an output helper sends, or Go hands to the kernel. */
export function layoutLenses(a: DocumentAnalysis, uri: string): CodeLens[] {
  // a click opens the full layout beside the source ("eBPF: Show Struct Layout" for that struct)
  const open = (title: string, name: string) => ({ title, command: SHOW_STRUCT_LAYOUT_COMMAND, arguments: [uri, name] });
  const lenses: CodeLens[] = [];
  if (a.cModel) {
    const engine = new CLayoutEngine(a.cModel);
    const seen = new Set<CRecordDecl>();
    for (const use of cStructUses(a.cModel)) {
      const rec = engine.resolveRecord(use.type);
      if (!rec || seen.has(rec) || !a.cModel.records.includes(rec)) continue; // a header's struct gets its lens in the header
      seen.add(rec);
      const out = engine.structLayout(rec);
      if (out.ok) lenses.push({ range: rec.nameRange, command: open(`${layoutSummary(out.value)} — ${use.why}`, displayName(rec)) });
    }
  }
  if (a.goModel && a.goUses) {
    const engine = new GoLayoutEngine(a.goModel);
    for (const s of a.goModel.structs) {
      const use = a.goUses.get(s.name);
      const out = use ? engine.structLayout(s) : undefined;
      if (use && out?.ok) lenses.push({ range: s.nameRange, command: open(`${layoutSummary(out.value)}${binaryNote(out.value)} — ${use.why}`, s.name) });
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
  const engine = new CLayoutEngine(a.cModel!);
  // the document, then the headers it includes ("Show Struct Layout" on a header's struct used here)
  const rec = engine.recordNamed(name);
  if (!rec) return { error: `no struct or union named '${name}' in this document or the headers it includes` };
  const out = engine.structLayout(rec);
  return out.ok ? { layout: out.value } : { error: out.reason };
}
