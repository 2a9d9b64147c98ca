/**
 * The `SEC("...")` functions of a C text, found with a cheap scan rather than a parse: the editor asks on every
 * keystroke (code lenses), and all it needs is each program's name and the line its SEC(...) is on. Comments are
 * blanked first so a commented-out program gets no lens; a SEC(...) of a declaration (a map, the license) is
 * followed by `;` or `=` before any `{` and is skipped.
 */
import { PROGRAM_MACROS } from '../rules/unsafe/c-programs';

export interface SecFunction {
  /** The function's name, which is the program's name in the object (libbpf names programs after their function). */
  name: string;
  section: string;
  /** 0-based line of the `SEC(` and of the function's name. */
  line: number;
  nameLine: number;
}

const SECTION = /\b(?:SEC|__section)\s*\(\s*"([^"\n]*)"\s*\)/g;
const CALL_HEAD = /([A-Za-z_]\w*)\s*\(/g;
/** A function head is never longer than this; a SEC(...) whose `{` is further away is no function's. */
const MAX_HEAD = 600;

/** Blanks comments, keeping every offset and newline (string literals are kept: SEC's argument is one). */
function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"/g, (m) => (m.startsWith('"') ? m : m.replace(/[^\n]/g, ' ')));
}

export function secFunctions(text: string): SecFunction[] {
  if (!text.includes('SEC') && !text.includes('__section')) return [];
  const src = blankComments(text);
  const lineStarts = [0];
  for (let i = src.indexOf('\n'); i !== -1; i = src.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const out: SecFunction[] = [];
  SECTION.lastIndex = 0;
  for (let m = SECTION.exec(src); m; m = SECTION.exec(src)) {
    const from = m.index + m[0].length;
    const rest = src.slice(from, from + MAX_HEAD);
    const end = rest.search(/[{;=]/);
    if (end < 0 || rest[end] !== '{') continue; // a declaration: SEC(".maps"), SEC("license")
    const named = nameOf(rest.slice(0, end));
    if (!named) continue;
    out.push({ name: named.name, section: m[1], line: lineAt(m.index), nameLine: lineAt(from + named.at) });
  }
  return out;
}

/** The first `identifier(` of the head, or the first argument of a BPF_PROG(name, ...)-style macro. */
function nameOf(head: string): { name: string; at: number } | null {
  CALL_HEAD.lastIndex = 0;
  for (let m = CALL_HEAD.exec(head); m; m = CALL_HEAD.exec(head)) {
    if (m[1] === '__attribute__' || m[1] === '__attribute') {
      CALL_HEAD.lastIndex = skipParens(head, m.index + m[0].length - 1);
      continue;
    }
    if (!PROGRAM_MACROS.has(m[1])) return { name: m[1], at: m.index };
    const arg = /^\s*([A-Za-z_]\w*)/.exec(head.slice(m.index + m[0].length));
    return arg ? { name: arg[1], at: m.index + m[0].length + arg[0].length - arg[1].length } : null;
  }
  return null;
}

/** The offset just past the `)` closing the `(` at `open` (the head's end when unbalanced). */
function skipParens(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  return text.length;
}
