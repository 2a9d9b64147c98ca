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
import type { HeaderStructUse } from './header-struct-uses';
import { structUseAt } from './struct-use-at';

/** What the server keeps of a document's last analysis. */
export type DocumentAnalysis = SourceAnalysis;

const inside = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character))
  && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

/** A record as "Show Struct Layout" names it. */
export const displayName = (r: CRecordDecl) => (r.name ? `${r.tag} ${r.name}` : r.typedefName ?? `${r.tag} (anonymous)`);

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

/**
 * Hover on a struct's name, or on one of its members (where that member sits, then the whole layout), pahole-style.
 * In a header, `elsewhere` (its includers' uses) lays out what the header alone cannot, as the lens does.
 */
export function layoutHover(a: DocumentAnalysis, pos: Position, elsewhere: readonly HeaderStructUse[] = []): Hover | null {
  if (a.cModel) {
    const model = a.cModel;
    const named = (r: CRecordDecl) => r.name !== null || r.typedefName !== undefined;
    for (const rec of model.records) {
      const member = named(rec) ? rec.fields.find((f) => inside(f.range, pos)) : undefined;
      if (!member && !inside(rec.nameRange, pos)) continue;
      const own = new CLayoutEngine(model).structLayout(rec);
      const theirs = own.ok ? undefined : elsewhere.find((u) => u.name === displayName(rec) && u.layout);
      const out: LayoutOutcome<StructLayout> = theirs ? { ok: true, value: theirs.layout! } : own;
      const target = theirs ? `BPF target, as ${path.basename(theirs.file)} compiles it` : 'BPF target';
      return hover(out, displayName(rec), target, 'c', member?.name ?? undefined, member?.range ?? rec.nameRange);
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

/**
 * A code lens on each struct a map uses as key or value, an output helper sends, or Go hands to the kernel. A struct
 * declared in an included header (libbpf's `ev.h` shared with user space) gets it over the `__type(key, ...)` line or
 * the helper call that uses it; in the header, `elsewhere` (the includers' uses of its structs) gives its structs theirs.
 */
export function layoutLenses(a: DocumentAnalysis, uri: string, elsewhere: readonly HeaderStructUse[] = []): CodeLens[] {
  // a click opens the full layout beside the source ("eBPF: Show Struct Layout" for that struct)
  const open = (title: string, name: string) => ({ title, command: SHOW_STRUCT_LAYOUT_COMMAND, arguments: [uri, name] });
  const lenses: CodeLens[] = [];
  if (a.cModel) {
    const model = a.cModel;
    const engine = new CLayoutEngine(model);
    const seen = new Set<CRecordDecl>();
    const usedAt = new Set<number>();
    for (const use of cStructUses(model)) {
      const rec = engine.resolveRecord(use.type);
      if (!rec) continue;
      if (!model.records.includes(rec)) {
        // one lens a line: `__type(key, struct k); __type(value, struct k);` on one line is rare, two lenses there clutter
        const header = model.headers?.find((h) => h.records.includes(rec));
        if (!header || usedAt.has(use.range.start.line)) continue;
        const out = engine.structLayout(rec);
        if (!out.ok) continue;
        usedAt.add(use.range.start.line);
        const from = header.file ? ` (${path.basename(header.file)})` : '';
        lenses.push({ range: use.range, command: open(`${use.role}: ${displayName(rec)}${from} — ${layoutSummary(out.value)}`, displayName(rec)) });
        continue;
      }
      if (seen.has(rec)) continue;
      seen.add(rec);
      const out = engine.structLayout(rec);
      if (out.ok) lenses.push({ range: rec.nameRange, command: open(`${layoutSummary(out.value)} — ${use.why}`, displayName(rec)) });
    }
    // a header's struct that an includer hands to the kernel: which map, in which file (and how many more uses)
    const named = new Set([...seen].map(displayName));
    for (const rec of model.records) {
      if (named.has(displayName(rec)) || (rec.name === null && rec.typedefName === undefined)) continue;
      const uses = elsewhere.filter((u) => u.name === displayName(rec));
      if (uses.length === 0) continue;
      named.add(displayName(rec)); // one lens a struct, on the first of its definitions
      const layout = withIncluders(engine.structLayout(rec), uses);
      const more = uses.length > 1 ? ` (+${uses.length - 1} more)` : '';
      if (layout) lenses.push({ range: rec.nameRange, command: open(`${layoutSummary(layout)} — ${uses[0].why} in ${path.basename(uses[0].file)}${more}`, displayName(rec)) });
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

/**
 * A header's own layout of a struct, else the one its includers compile: a header often takes types (`bool`, `u32`)
 * from what its includers include before it, and cannot lay the struct out alone.
 */
function withIncluders(own: LayoutOutcome<StructLayout>, uses: readonly HeaderStructUse[]): StructLayout | undefined {
  return own.ok ? own.value : uses.find((u) => u.layout)?.layout;
}

/** "Show Struct Layout": in a header, `elsewhere` (its includers' uses) lays out what the header alone cannot. */
export function structLayoutOf(a: DocumentAnalysis, name: string, elsewhere: readonly HeaderStructUse[] = []): StructLayoutResult {
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
  if (out.ok) return { layout: out.value };
  const theirs = withIncluders(out, elsewhere.filter((u) => u.name === displayName(rec)));
  return theirs ? { layout: theirs } : { error: out.reason };
}
