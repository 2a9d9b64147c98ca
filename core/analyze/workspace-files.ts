import { readdirSync } from 'node:fs';
import path from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'vendor', 'dist', 'out', '.e2e', 'build']);

/** C sources and headers under `roots` (breadth first, at most `limit`). */
export function findCSources(roots: string[], limit: number): string[] {
  const out: string[] = [];
  const queue = [...roots];
  while (queue.length > 0 && out.length < limit) {
    const dir = queue.shift()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.')) queue.push(path.join(dir, e.name));
      } else if (/\.(c|h)$/.test(e.name) && e.name !== 'vmlinux.h') {
        out.push(path.join(dir, e.name));
      }
    }
  }
  return out.slice(0, limit);
}
