/**
 * Which workspace .bpf.c sources name a header in an #include: for a header saved before any of its includers was
 * built (after a build, clang's dependency file says). Each source's include names are kept with its mtime and size,
 * so a save reads only the sources changed since the last look (not the whole workspace's on every save of a header
 * nothing includes).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { findCSources } from '../core/analyze/workspace-files';

/** At most this many C files are looked at (a workspace may hold a kernel tree). */
export const INCLUDER_SCAN_LIMIT = 2000;

const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*[<"]([^">\n]*)[">]/gm;

interface Scanned { mtimeMs: number; size: number; names: Set<string> }

export class IncluderIndex {
  private scanned = new Map<string, Scanned>();

  /** The .bpf.c files under `roots` with an `#include` whose last path component is `header`'s file name. */
  includersOf(roots: string[], header: string, isSource: (file: string) => boolean): string[] {
    const name = path.basename(header);
    const seen = new Set<string>();
    const out: string[] = [];
    for (const file of findCSources(roots, INCLUDER_SCAN_LIMIT)) {
      if (!isSource(file)) continue;
      seen.add(file);
      if (this.namesOf(file).has(name)) out.push(file);
    }
    for (const file of this.scanned.keys()) if (!seen.has(file)) this.scanned.delete(file); // gone, or out of reach
    return out;
  }

  /** The file names `file` includes, read again only when its mtime or size changed. */
  private namesOf(file: string): Set<string> {
    let st;
    try {
      st = statSync(file);
    } catch {
      this.scanned.delete(file);
      return new Set();
    }
    const known = this.scanned.get(file);
    if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) return known.names;
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // unreadable: it includes nothing we can tell
    }
    const names = new Set([...text.matchAll(INCLUDE)].map((m) => path.basename(m[1])));
    this.scanned.set(file, { mtimeMs: st.mtimeMs, size: st.size, names });
    return names;
  }
}
