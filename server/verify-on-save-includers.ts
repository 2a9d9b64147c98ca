/**
 * Which workspace C files read a header, directly or through other headers (prog.bpf.c includes ev.h, ev.h includes
 * common.h): for a header saved before any of its includers was built (after a build, clang's dependency file says),
 * and for a header's code lens (which includer's map its struct is a key of). Each file's includes are kept with its
 * mtime and size, so a look reads only the files changed since the last one (not the whole workspace's on every save
 * of a header nothing includes).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CompileCommands } from '../core/analyze/compile-commands';
import { findCSources } from '../core/analyze/workspace-files';

/** At most this many C files are looked at (a workspace may hold a kernel tree). */
export const INCLUDER_SCAN_LIMIT = 2000;
/** Headers this deep below an includer are not followed (as the analysis does not, c-includes.ts). */
export const INCLUDER_MAX_DEPTH = 16;

const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*([<"])([^">\n]*)[">]/gm;

interface Include { path: string; system: boolean }
interface Scanned { mtimeMs: number; size: number; includes: Include[] }

export class IncluderIndex {
  private scanned = new Map<string, Scanned>();
  private readonly database = new CompileCommands();

  /**
   * The files under `roots` that `isSource` accepts and whose preprocessing reads `header`: an `#include` of it, or
   * of a header that reads it (at most INCLUDER_MAX_DEPTH levels; each file once, so an include cycle ends).
   */
  includersOf(roots: string[], header: string, isSource: (file: string) => boolean): string[] {
    const files = findCSources(roots, INCLUDER_SCAN_LIMIT);
    const seen = new Set(files);
    for (const file of this.scanned.keys()) if (!seen.has(file)) this.scanned.delete(file); // gone, or out of reach
    // include file name -> the files with such an include: only those are resolved against a header reached
    const byName = new Map<string, { file: string; inc: Include }[]>();
    for (const file of files) {
      for (const inc of this.includesOf(file)) {
        const name = path.basename(inc.path);
        if (!byName.has(name)) byName.set(name, []);
        byName.get(name)!.push({ file, inc });
      }
    }
    const look = new IncludeResolution(this.database);
    const start = path.resolve(header);
    const reached = new Set([start]);
    const out: string[] = [];
    let level = [start];
    for (let depth = 0; depth < INCLUDER_MAX_DEPTH && level.length > 0; depth++) {
      const next: string[] = [];
      for (const target of level) {
        for (const { file, inc } of byName.get(path.basename(target)) ?? []) {
          if (reached.has(file) || !look.leadsTo(file, inc, target)) continue;
          reached.add(file);
          next.push(file); // what includes it reads the header too
          if (isSource(file)) out.push(file);
        }
      }
      level = next;
    }
    return out;
  }

  /** The includes of `file`, read again only when its mtime or size changed. */
  private includesOf(file: string): Include[] {
    let st;
    try {
      st = statSync(file);
    } catch {
      this.scanned.delete(file);
      return [];
    }
    const known = this.scanned.get(file);
    if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) return known.includes;
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // unreadable: it includes nothing we can tell
    }
    const includes = [...text.matchAll(INCLUDE)].map((m) => ({ path: m[2], system: m[1] === '<' }));
    this.scanned.set(file, { mtimeMs: st.mtimeMs, size: st.size, includes });
    return includes;
  }
}

/** How one look resolves includes: each file's `-I` directories and each path's existence asked once (files may change between looks). */
class IncludeResolution {
  private readonly dirs = new Map<string, string[]>();
  private readonly exists = new Map<string, boolean>();

  constructor(private readonly database: CompileCommands) {}

  /**
   * Whether `inc` in `file` is `target`: a quoted one beside the file first, then (both kinds) the `-I` directories of
   * the file's compile_commands.json entry, as the analysis resolves them. One found in none of those is taken to be
   * any header of its file name (the analysis then looks for it among the workspace's headers, and the editor's
   * include paths are not known here).
   */
  leadsTo(file: string, inc: Include, target: string): boolean {
    const found = (!inc.system && this.existing(path.resolve(path.dirname(file), inc.path)))
      || this.unitDirs(file).map((dir) => this.existing(path.resolve(dir, inc.path))).find((p) => p);
    return found ? found === target : path.basename(inc.path) === path.basename(target);
  }

  /** `p` if it exists. */
  private existing(p: string): string | undefined {
    let there = this.exists.get(p);
    if (there === undefined) this.exists.set(p, (there = existsSync(p)));
    return there ? p : undefined;
  }

  /** Asked only for an include not found beside its file: the database lookup stats each directory above the file. */
  private unitDirs(file: string): string[] {
    let dirs = this.dirs.get(file);
    if (!dirs) this.dirs.set(file, (dirs = this.database.includeDirs(file)));
    return dirs;
  }
}
