/** The outline (document symbols) and folding ranges of a verifier log. */
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange, type Range } from 'vscode-languageserver-protocol';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LogBlock } from '../core/verifier-log/log-blocks';
import { branchesOf, liveRegsBlocks, subprogramsOf } from './verifier-log-document';

/** A level-2 log of a large program explores many thousands of branches: the outline lists the first ones. */
const MAX_BRANCHES = 2000;

const lineRange = (doc: TextDocument, from: number, to = from): Range =>
  ({ start: { line: from, character: 0 }, end: { line: to, character: doc.getText({ start: { line: to, character: 0 }, end: { line: to + 1, character: 0 } }).replace(/\r?\n$/, '').length } });

/** `accepted, 15 insns processed` / `rejected: R1 invalid mem access 'map_value_or_null'` / `no verdict`. */
export function verdictText(b: LogBlock): string {
  const insns = b.summary.stats.processedInsns;
  if (b.verdict === 'accepted') return `accepted${insns !== undefined ? `, ${insns} insns processed` : ''}`;
  if (b.verdict === 'rejected') return `rejected: ${b.summary.messageLines[0] ?? b.summary.prose?.title ?? ''}`;
  return b.summary.insnLines > 0 ? 'no verdict (the log looks cut)' : 'no verdict (not a verifier log)';
}

export function logOutline(blocks: LogBlock[], doc: TextDocument): DocumentSymbol[] {
  const fallbackName = decodeURIComponent(doc.uri.replace(/^.*\//, '')).replace(/\.(verifier\.log|bpflog|log|txt)$/, '');
  return blocks.map((b, k) => {
    const ix = b.index;
    const at = (line: number) => b.offset + line;
    const children: DocumentSymbol[] = [];
    for (const s of subprogramsOf(ix)) {
      const r = lineRange(doc, at(s.line));
      children.push({ name: s.name, detail: s.detail, kind: SymbolKind.Function, range: r, selectionRange: r });
    }
    const { branches, more } = branchesOf(ix, MAX_BRANCHES);
    for (const br of branches) {
      children.push({ name: br.text, kind: SymbolKind.Event, range: lineRange(doc, at(br.line), at(br.end)), selectionRange: lineRange(doc, at(br.line)) });
    }
    if (more > 0) {
      const r = lineRange(doc, at(branches[branches.length - 1].line));
      children.push({ name: `… ${more} more branches`, detail: `the outline lists the first ${MAX_BRANCHES}`, kind: SymbolKind.Event, range: r, selectionRange: r });
    }
    if (b.rejectLines) {
      const r = lineRange(doc, at(b.rejectLines[0]), at(b.rejectLines[1]));
      const ex = b.summary.explanation;
      children.push({ name: `reject: ${b.summary.messageLines[0] ?? b.summary.prose?.title ?? ''}`, detail: ex?.title, kind: SymbolKind.Key, range: r, selectionRange: r });
    }
    children.sort((x, y) => x.range.start.line - y.range.start.line);
    const first = at(ix.first > 0 ? ix.first - 1 : 0);
    const last = at(Math.max(ix.first, ix.lineCount - 1));
    const name = b.program ?? (blocks.length > 1 ? `program ${k + 1}` : fallbackName || 'program');
    return { name, detail: verdictText(b), kind: SymbolKind.Module, range: lineRange(doc, first, last), selectionRange: lineRange(doc, first), children };
  });
}

export function logFolding(blocks: LogBlock[]): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const b of blocks) {
    for (const [from, to] of liveRegsBlocks(b.index)) out.push({ startLine: b.offset + from, endLine: b.offset + to, kind: FoldingRangeKind.Region });
    for (const br of branchesOf(b.index, 5000).branches) {
      if (br.end > br.line) out.push({ startLine: b.offset + br.line, endLine: b.offset + br.end, kind: FoldingRangeKind.Region });
    }
  }
  return out;
}
