/**
 * tree-sitter parses C without a preprocessor, so libbpf's macros trip it: `SEC("xdp")` before a function or after a
 * map's name, and `__uint(type, ...)`/`__type(key, ...)` members of a map definition, all end in ERROR nodes. Error
 * recovery is slow, and the subtrees it builds cannot be reused, so every edit re-parsed every map of a file.
 *
 * This masks them before parsing, keeping every character's offset, line and column: `SEC("...")` becomes spaces, a
 * map member macro becomes `int _` followed by spaces (newlines stay), and so does an attribute between `enum` and
 * its name; consecutive attribute specifiers become one. The model reads map members and enum attributes from the original text at the same offsets.
 */
export function maskBpfMacros(text: string): string {
  if (!text.includes('SEC') && !text.includes('__section') && !text.includes('enum') && !text.includes('__attribute__') && !text.includes('__packed')
    && !text.includes('__aligned') && !/__(?:uint|type|array|ulong)\b/.test(text)) return text;
  let out = text.replace(SECTION, (m) => blank(m)).replace(ENUM_ATTRIBUTE, (m, attr: string) => m.slice(0, m.length - attr.length) + blank(attr))
    .replace(ATTRIBUTE_JOINT, (m) => `,${blank(m.slice(1))}`)
    .replace(ATTRIBUTE_MACRO, (m, before: string, gap: string, macro: string) => (DIRECTIVE_WORDS.has(before) ? m : before + gap + blank(macro)));
  MAP_MEMBER.lastIndex = 0;
  const parts: string[] = [];
  let last = 0;
  for (let m = MAP_MEMBER.exec(out); m; m = MAP_MEMBER.exec(out)) {
    const start = m.index + m[1].length;
    const end = closingParen(out, start + m[2].length - 1);
    if (end < 0) continue; // half-typed: leave it to tree-sitter's error recovery
    parts.push(out.slice(last, start), 'int _', blank(out.slice(start + 5, end + 1)));
    last = end + 1;
    MAP_MEMBER.lastIndex = last;
  }
  if (parts.length > 0) out = parts.join('') + out.slice(last);
  return out;
}

/** `SEC("...")` and `__section("...")`: a string argument only, so `#define SEC(name) ...` is left alone. */
const SECTION = /\b(?:SEC|__section)\s*\(\s*"[^"\n]*"\s*\)/g;
/** `enum __attribute__((packed)) name {`: tree-sitter-c has no rule for an attribute there (the extractor reads it). */
const ENUM_ATTRIBUTE = /\benum\s+(__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\))/g;
/**
 * The joint between two attribute specifiers in a row, `)) __attribute__((`: tree-sitter-c fails on
 * `typedef struct { ... } __attribute__((packed)) __attribute__((aligned(8))) name_t;`, so the two become one list,
 * `__attribute__((packed,                  aligned(8)))`, which means the same to the compiler.
 */
const ATTRIBUTE_JOINT = /\)\)\s*__attribute__\s*\(\(/g;
/**
 * The kernel's attribute macros after a struct body or a member's declarator, `} __packed;`, `__u64 x __aligned(8);`:
 * tree-sitter-c reads the first as a variable and fails on the second. Blanked for parsing; the extractor reads them
 * from the original text and the layout engine expands them with the unit's macros (c-macros.ts).
 */
const ATTRIBUTE_MACRO = /(\}|\]|\w+)([ \t]+)(__packed\b|__aligned\s*\([^()\n]*\))(?=\s*[;,\w])/g;
const DIRECTIVE_WORDS = new Set(['define', 'undef', 'ifdef', 'ifndef', 'defined', 'elifdef', 'elifndef']);
/** A map member macro where a member starts: after a line start, `{` or `;`. Group 2 ends at its `(`. */
const MAP_MEMBER = /((?:^|[{;])[ \t]*)(__(?:uint|type|array|ulong)\s*\()/gm;

const blank = (s: string) => (s.includes('\n') ? s.replace(/[^\n]/g, ' ') : ' '.repeat(s.length));

/** The index of the `)` that closes the `(` at `open`, or -1 (within 4 KiB: a map member is never longer). */
function closingParen(text: string, open: number): number {
  let depth = 0;
  const stop = Math.min(text.length, open + 4096);
  for (let i = open; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i;
    else if (c === 59 && depth > 0 && !inNestedBraces(text, open, i)) return -1; // a `;` before the `)`: unbalanced
  }
  return -1;
}

/** `__array(values, struct { __uint(...); })` holds `;` inside braces; any other `;` inside the parens means a typo. */
function inNestedBraces(text: string, open: number, at: number): boolean {
  let braces = 0;
  for (let i = open; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) braces++;
    else if (c === 125) braces--;
  }
  return braces > 0;
}
