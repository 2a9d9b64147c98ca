import { GoLayoutEngine, type GoStructLayout } from '../layout/go-layout';
import type { GoFieldDecl, GoFileModel, GoStructDecl } from '../source/go-model';
import { reorderFix } from './c-fixes';
import { memberGaps, totalPadding } from './padding-gaps';
import { insertionAfter, SourceText, type Fix, type TextEdit } from './text-edit';

/** Insert blank `_ [N]byte` fields where Go leaves padding, so encoding/binary keeps the bytes the kernel has. */
export function goPaddingFix(model: GoFileModel, s: GoStructDecl, layout: GoStructLayout): Fix | null {
  const gaps = memberGaps(layout.fields, layout.size);
  if (gaps.length === 0) return null;
  const src = new SourceText(model.source);
  return {
    title: `Insert explicit padding (${gaps.map((g) => `_ [${g.size}]byte at offset ${g.offset}`).join(', ')})`,
    edits: gaps.map((g) => insertionAfter(src, s.fields[g.after].declRange, `_ [${g.size}]byte`)),
    preferred: true,
  };
}

/** Reorder by alignment; only for a struct that mirrors no C struct (its order must stay the C order). */
export function goReorderFix(model: GoFileModel, s: GoStructDecl, layout: GoStructLayout): Fix | null {
  if (s.fields.some((f) => f.name === '_')) return null; // explicit padding placed by hand: moving fields would misplace it
  return reorderFix(model.source, s.fields, layout.fields.map((f) => f.align), (order) => {
    const after = new GoLayoutEngine(model).structLayout({ ...s, fields: order.map((i) => s.fields[i]) });
    if (!after.ok || totalPadding(after.value.holes) >= totalPadding(layout.holes)) return null;
    return `size ${layout.size} → ${after.value.size}, encoding/binary size ${after.value.binarySize ?? 'none'}`;
  });
}

const WIDTHS: Record<string, string[]> = { int: ['int64', 'int32'], uint: ['uint64', 'uint32'], uintptr: ['uint64'] };

/**
 * `int` → `int64` or `int32` (and `uint`, `uintptr`): the preferred width is the C field's when the struct mirrors
 * one (`cSize`), else 64 bits, what `int` is on amd64 and arm64.
 */
export function goFixedWidthFixes(field: GoFieldDecl, cSize?: number): Fix[] {
  const m = /\b(int|uint|uintptr)\b/.exec(field.typeText);
  if (!m) return [];
  return WIDTHS[m[1]].map((w) => {
    const matchesC = cSize !== undefined && Number(w.replace(/\D/g, '')) / 8 === cSize;
    return {
      title: `Change ${field.name} to ${field.typeText.replace(m[0], w)}${matchesC ? ` (the C field is ${cSize} bytes)` : ''}`,
      edits: [{ range: field.typeRange, newText: field.typeText.replace(m[0], w) }],
      preferred: cSize === undefined ? w.endsWith('64') : matchesC,
    };
  });
}

const hasHostLayout = (s: GoStructDecl) => s.fields.some((f) => f.type.kind === 'named' && f.type.pkg === 'structs' && f.type.name === 'HostLayout');

/**
 * Add `_ structs.HostLayout` (Go 1.23+): it pins the struct to the platform's C-compatible layout, which cilium/ebpf
 * relies on when it copies a value without reflection (bpf2go generates it too).
 */
export function goHostLayoutFix(model: GoFileModel, s: GoStructDecl): Fix | null {
  if (hasHostLayout(s)) return null;
  const src = new SourceText(model.source);
  const first = s.fields[0];
  const at = s.bodyStart.end;
  const edits: TextEdit[] = [];
  if (first && first.declRange.start.line === at.line) edits.push({ range: { start: at, end: at }, newText: ' _ structs.HostLayout;' });
  else {
    const indent = first ? src.indentOf(first.declRange.start.line) : `${src.indentOf(s.range.start.line)}\t`;
    edits.push({ range: { start: at, end: at }, newText: `\n${indent}_ structs.HostLayout` });
  }
  if (!model.imports.some((i) => i.path === 'structs')) {
    const a = model.importAnchor;
    const text = a.style === 'group' ? '\n\t"structs"' : a.style === 'single' ? '\nimport "structs"' : '\n\nimport "structs"';
    edits.push({ range: { start: a.at, end: a.at }, newText: text });
  }
  return { title: `Add structs.HostLayout to ${s.name} (Go 1.23+)`, edits };
}
