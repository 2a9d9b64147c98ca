/** The line numbers of a C function's definition: from the line naming it (`int name(`) to its closing brace. */
export function functionSpan(source: string, name: string): number[] {
  const lines = source.split('\n');
  const start = lines.findIndex((l) => new RegExp(`\\b${name}\\(`).test(l) && !l.trimEnd().endsWith(';'));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('}'));
  return start < 0 || end < 0 ? [] : Array.from({ length: end - start + 1 }, (_, k) => start + 1 + k);
}
