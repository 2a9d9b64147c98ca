import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'vendor', 'dist', 'out', '.e2e']);
const MAX_FILES = 5000;

/**
 * Find `func name(` of package `pkg` (from a symbol like `main.process`, or `pkg.(*T).method`) in the Go sources
 * under `roots`: the fallback when the object has no such ELF symbol.
 */
export function findGoFunction(roots: string[], symbol: string): { file: string; line: number; column: number } | null {
  const m = /^(?:.*\/)?([\w-]+)\.(?:\(\*?(\w+)\)\.)?(\w+)$/.exec(symbol);
  if (!m) return null;
  const [, pkg, recv, name] = m;
  const funcRe = recv
    ? new RegExp(`^func \\(\\s*\\w*\\s*\\*?${recv}\\s*\\)\\s*${name}\\s*[\\[(]`, 'm')
    : new RegExp(`^func ${name}\\s*[\\[(]`, 'm');
  let seen = 0;
  const visit = (dir: string, depth: number): { file: string; line: number; column: number } | null => {
    if (depth > 8 || seen > MAX_FILES) return null;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return null;
    }
    for (const e of entries) {
      if (SKIP.has(e)) continue;
      const p = path.join(dir, e);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        const hit = visit(p, depth + 1);
        if (hit) return hit;
      } else if (e.endsWith('.go') && !e.endsWith('_test.go')) {
        seen++;
        const text = readFileSync(p, 'utf8');
        if (!new RegExp(`^package ${pkg}\\b`, 'm').test(text)) continue;
        const f = funcRe.exec(text);
        if (f) {
          const before = text.slice(0, f.index);
          return { file: p, line: before.split('\n').length, column: 1 };
        }
      }
    }
    return null;
  };
  for (const root of roots) {
    const hit = visit(root, 0);
    if (hit) return hit;
  }
  return null;
}
