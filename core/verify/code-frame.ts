import { readFileSync } from 'node:fs';

/** A few lines of source around `line` (1-based), the line itself marked with '>', like a compiler's caret view. */
export function codeFrame(file: string, line: number, opts: { before?: number; after?: number; column?: number | null } = {}): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  if (line < 1 || line > lines.length) return null;
  const from = Math.max(1, line - (opts.before ?? 2));
  const to = Math.min(lines.length, line + (opts.after ?? 2));
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const marker = n === line ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${lines[n - 1].replace(/\t/g, '    ')}`);
    if (n === line && opts.column) {
      const prefix = lines[n - 1].slice(0, opts.column - 1).replace(/\t/g, '    ');
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(prefix.length)}^`);
    }
  }
  return out.join('\n');
}
