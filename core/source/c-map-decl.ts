import type { CMapDecl, CMapRole } from './c-model';
import { parseTypeText } from './c-type-text';
import type { Position, Range } from './range';

/**
 * A BTF-style map definition's body, `{ __uint(type, ...); __type(key, ...); __uint(value_size, sizeof(...)); }`,
 * read from its text: tree-sitter cannot parse some of the macros (`sizeof(...)` arguments end in ERROR nodes), and
 * text is faster to scan. Null when the body has none of the macros (it is not a map). `start` is where the body's
 * text begins in the file; `sizeofType` names the type a `sizeof(...)` argument stands for.
 */
export function readMapBody(text: string, start: { row: number; column: number }, name: string, range: Range,
  sizeofType: (expr: string) => string | null): CMapDecl | null {
  if (!/__(uint|type|array|ulong)\s*\(/.test(text)) return null;
  const map: CMapDecl = { name, mapType: null, key: null, keyText: null, keyRange: null, value: null, valueText: null, valueRange: null, range };
  const at = (offset: number): Position => {
    const lines = text.slice(0, offset).split('\n');
    return lines.length === 1 ? { line: start.row, character: start.column + offset } : { line: start.row + lines.length - 1, character: lines[lines.length - 1].length };
  };
  const setType = (role: CMapRole, typeText: string, where: Range) => {
    map[role] = parseTypeText(typeText);
    map[`${role}Text`] = typeText;
    map[`${role}Range`] = where;
  };
  for (const m of outerLevel(text).matchAll(/__(uint|type)\s*\(\s*(\w+)\s*,\s*([^;]*?)\)\s*;/g)) {
    const [, macro, field, rawArg] = m;
    const arg = rawArg.trim();
    const where = { start: at(m.index), end: at(m.index + m[0].replace(/\s*;$/, '').length) };
    if (macro === 'uint' && field === 'type') map.mapType = arg;
    if (macro === 'type' && (field === 'key' || field === 'value')) setType(field, arg, where);
    const sized = /^(key|value)_size$/.exec(field);
    const of = macro === 'uint' && sized ? sizeofType(arg) : null;
    if (sized && of && !map[sized[1] as CMapRole]) setType(sized[1] as CMapRole, of, where);
  }
  return map;
}

/** The body with nested braces blanked (same length): an inner map's `__array(values, struct { ... })` is not ours. */
function outerLevel(text: string): string {
  let depth = 0;
  let out = '';
  for (let i = 0; i < text.length; i++) { // by UTF-16 unit: offsets must not move
    const c = text[i];
    if (c === '{') depth++;
    out += depth > 1 && c !== '\n' ? ' ' : c;
    if (c === '}') depth--;
  }
  return out;
}
