import type { Position } from './range';

/** One preprocessor line of a C file, as the preprocessor reads it (continuations joined, comments removed). */
export interface CDirective {
  kind: 'define' | 'undef' | 'include' | 'if' | 'ifdef' | 'ifndef' | 'elif' | 'elifdef' | 'elifndef' | 'else' | 'endif' | 'pragma';
  /** Where its `#` is: a conditional group is known by the position of the directive that opens it. */
  at: Position;
  /** The macro of `#define`, `#undef`, `#ifdef`, `#ifndef`, `#elifdef`, `#elifndef`. */
  name?: string;
  /** `#define`: the replacement text ('' for `#define X`); `#if`/`#elif`: the condition; `#pragma`: what follows it. */
  text?: string;
  /** `#define F(a, b) ...`: a function-like macro's parameters. */
  params?: string[];
  /** `#include`: the path and whether it was written `<...>`. */
  path?: string;
  system?: boolean;
}

const DIRECTIVE = /^[ \t]*#[ \t]*(\w+)/;
const KINDS = new Set<CDirective['kind']>(['define', 'undef', 'include', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif', 'pragma']);

/**
 * The directives of a file, in order. A text scan: tree-sitter's tree holds them in many shapes (inside struct bodies,
 * around declarations, in ERROR nodes), and the preprocessor only ever reads lines. `#` inside a block comment that
 * spans lines is not a directive.
 */
export function scanDirectives(source: string): CDirective[] {
  if (!source.includes('#')) return [];
  const lines = source.split('\n');
  const out: CDirective[] = [];
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (inComment) {
      const end = line.indexOf('*/');
      if (end < 0) continue;
      inComment = false;
      line = ' '.repeat(end + 2) + line.slice(end + 2);
    }
    const m = DIRECTIVE.exec(line);
    const first = i;
    let text = line;
    while (text.endsWith('\\') && i + 1 < lines.length) text = text.slice(0, -1) + ' ' + lines[++i];
    const stripped = stripComments(text);
    inComment = stripped.open;
    if (!m || !KINDS.has(m[1] as CDirective['kind'])) continue;
    const directive = read(m[1] as CDirective['kind'], stripped.text.slice(stripped.text.indexOf(m[1]) + m[1].length), { line: first, character: line.indexOf('#') });
    if (directive) out.push(directive);
  }
  return out;
}

/** The line without comments; `open` when a block comment starts on it and does not end. */
function stripComments(text: string): { text: string; open: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '/' && text[i + 1] === '/') return { text: out, open: false };
    if (text[i] === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return { text: out, open: true };
      out += ' ';
      i = end + 1;
      continue;
    }
    if (text[i] === '"' || text[i] === "'") { // a string keeps its `//`
      const q = text[i];
      let j = i + 1;
      while (j < text.length && text[j] !== q) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
      continue;
    }
    out += text[i];
  }
  return { text: out, open: false };
}

function read(kind: CDirective['kind'], rest: string, at: Position): CDirective | null {
  switch (kind) {
    case 'define': {
      const m = /^\s+([A-Za-z_]\w*)(\(([^)]*)\))?(.*)$/s.exec(rest);
      if (!m) return null;
      return { kind, at, name: m[1], text: m[4].trim(), ...(m[2] ? { params: m[3].split(',').map((p) => p.trim()).filter(Boolean) } : {}) };
    }
    case 'undef':
    case 'ifdef':
    case 'ifndef':
    case 'elifdef':
    case 'elifndef': {
      const m = /^\s+([A-Za-z_]\w*)/.exec(rest);
      return m ? { kind, at, name: m[1] } : { kind, at, name: '' };
    }
    case 'include': {
      const m = /^\s*(?:<([^>]+)>|"([^"]+)")/.exec(rest);
      return m ? { kind, at, path: m[1] ?? m[2], system: m[1] !== undefined } : null;
    }
    case 'if':
    case 'elif':
      return { kind, at, text: rest.trim() };
    case 'pragma': // only `#pragma pack(...)` changes a layout
      return /^\s*pack\b/.test(rest) ? { kind, at, text: rest.trim() } : null;
    default:
      return { kind, at };
  }
}
