import type { Position, Range } from '../source/range';

/** A replacement of one range of a document, as LSP's TextEdit and SARIF's replacement express it. */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** One quick fix: a title for the light bulb and the edits that make it. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix an editor applies on "auto fix" (VS Code's isPreferred). */
  preferred?: boolean;
}

/** Line-oriented access to a document's text: offsets, indentation, what else shares a line. */
export class SourceText {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  offsetAt(p: Position): number {
    return Math.min(this.text.length, (this.starts[p.line] ?? this.text.length) + p.character);
  }

  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  line(n: number): string {
    const end = this.starts[n + 1] ?? this.text.length + 1;
    return this.text.slice(this.starts[n], end - 1).replace(/\r$/, '');
  }

  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.line(line))![0];
  }

  /** The text of a line before / after a position. */
  before(p: Position): string {
    return this.line(p.line).slice(0, p.character);
  }

  after(p: Position): string {
    return this.line(p.line).slice(p.character);
  }
}

const isComment = (s: string) => /^\s*(\/\/.*|\/\*.*\*\/\s*)$/.test(s);

/**
 * A declaration extended to what belongs to it: whole comment lines directly above and a comment after it on its last
 * line. Returns string offsets [start, end).
 */
export function declarationExtent(src: SourceText, decl: Range): [number, number] {
  let start = src.offsetAt(decl.start);
  let end = src.offsetAt(decl.end);
  const rest = src.after(decl.end);
  if (isComment(rest)) end += rest.length;
  if (src.before(decl.start).trim() === '') {
    let line = decl.start.line;
    while (line > 0 && /^\s*(\/\/|\/\*.*\*\/\s*$)/.test(src.line(line - 1))) line--;
    if (line !== decl.start.line) start = src.offsetAt({ line, character: src.indentOf(line).length });
  }
  return [start, end];
}

/** Where to insert a new member after a declaration: after its trailing comment, on a line of its own when it has one. */
export function insertionAfter(src: SourceText, decl: Range, member: string): TextEdit {
  const rest = src.after(decl.end);
  if (rest.trim() === '' || isComment(rest)) {
    const at = { line: decl.end.line, character: decl.end.character + rest.length };
    return { range: { start: at, end: at }, newText: `\n${src.indentOf(decl.start.line)}${member}` };
  }
  return { range: { start: decl.end, end: decl.end }, newText: ` ${member}` }; // a one-line struct: stay on the line
}

/** Apply non-overlapping edits to a text (tests, `lint --fix`). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const src = new SourceText(text);
  const sorted = edits.map((e) => ({ from: src.offsetAt(e.range.start), to: src.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.from - a.from || b.to - a.to);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

/**
 * Replace the members between the first and the last unit with the units in a new order, keeping the original
 * separators (newlines and indentation) in place. Null when anything but whitespace separates two units.
 */
export function reorderEdit(src: SourceText, units: [number, number][], order: number[]): TextEdit | null {
  const separators: string[] = [];
  for (let i = 1; i < units.length; i++) {
    const sep = src.text.slice(units[i - 1][1], units[i][0]);
    if (sep.trim() !== '') return null;
    separators.push(sep);
  }
  let text = '';
  order.forEach((u, i) => {
    text += src.text.slice(units[u][0], units[u][1]) + (separators[i] ?? '');
  });
  return { range: { start: src.positionAt(units[0][0]), end: src.positionAt(units[units.length - 1][1]) }, newText: text };
}

/** Stable sort of units by alignment, largest first: no padding between members is needed then (for power-of-two sizes). */
export function byAlignment(aligns: number[]): number[] {
  return aligns.map((a, i) => [a, i]).sort((x, y) => y[0] - x[0] || x[1] - y[1]).map(([, i]) => i);
}
