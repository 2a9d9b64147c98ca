import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CLayoutEngine } from '../layout/c-layout';
import type { StructLayout } from '../layout/types';
import type { CFileModel, CRecordDecl } from '../source/c-model';
import { FileStampCache, statOrNull } from '../util/file-stamp-cache';

/** A C struct a Go type may mirror, with where it was defined. */
export interface CStructEntry {
  name: string;
  layout: StructLayout;
  packed: boolean;
  /** A union: its members are alternatives at offset 0 (bpf2go mirrors one of them, and blank bytes for the rest). */
  union?: boolean;
  file?: string;
  /** From vmlinux.h, a kernel or libbpf header: never paired with a Go type by its bare name. */
  kernel: boolean;
}

/** vmlinux.h, the kernel's uapi headers and libbpf's own headers: their names are not the project's. */
export function isKernelHeader(file: string | undefined, source?: string): boolean {
  if (source && /#ifndef __VMLINUX_H__/.test(source.slice(0, 4000))) return true;
  if (!file) return false;
  const p = file.split(path.sep).join('/');
  return /(^|\/)vmlinux[^/]*\.h$/.test(p) || /\/(uapi|linux|asm|asm-generic|libbpf)\//.test(p)
    || /(^|\/)bpf_(helpers|helper_defs|tracing|core_read|endian)\.h$/.test(p);
}

/** The layouts of a C file's own structs, by tag name, typedef name and typedef alias (`flow_key_t`), each laid out once. */
export function cStructLayouts(model: CFileModel, file = model.file): CStructEntry[] {
  const engine = new CLayoutEngine(model);
  const kernel = isKernelHeader(file, model.source);
  const laidOut = new Map<CRecordDecl, StructLayout | null>();
  const layoutOf = (rec: CRecordDecl) => {
    if (!laidOut.has(rec)) {
      const out = engine.structLayout(rec);
      laidOut.set(rec, out.ok ? out.value : null);
    }
    return laidOut.get(rec);
  };
  const out: CStructEntry[] = [];
  const names = new Set<string>();
  for (const rec of model.records) {
    const name = rec.name ?? rec.typedefName; // `typedef struct { ... } event_t;` is known as event_t
    const layout = name ? layoutOf(rec) : null;
    if (name && layout) { out.push({ name, layout, packed: rec.packed, union: rec.tag === 'union', file, kernel }); names.add(name); }
  }
  // `typedef struct flow_key flow_key_t;`: a Go type may name either
  for (const [alias, type] of model.typedefs) {
    const rec = names.has(alias) ? undefined : engine.resolveRecord(type);
    const layout = rec ? layoutOf(rec) : null;
    if (rec && layout) out.push({ name: alias, layout, packed: rec.packed, union: rec.tag === 'union', file, kernel });
  }
  return out;
}

const sameLayout = (a: StructLayout, b: StructLayout) => a.size === b.size && a.fields.length === b.fields.length
  && a.fields.every((f, i) => f.offset === b.fields[i].offset && f.size === b.fields[i].size && f.name === b.fields[i].name);

/** Directory steps between two paths' directories: how near a C file is to a Go file. */
function distance(a: string, b: string): number {
  const x = path.resolve(a).split(path.sep);
  const y = path.resolve(b).split(path.sep);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.length + y.length - 2 * i;
}

/** C structs by name, from several files; a name several files define differently is resolved by nearness, or not at all. */
export class CStructIndex {
  private readonly byName = new Map<string, CStructEntry[]>();

  /** Replace what `file` defined before (an edited document) and add its entries. */
  addFile(given: string | undefined, entries: CStructEntry[]): void {
    const file = given && path.resolve(given);
    for (const list of this.byName.values()) for (let i = list.length - 1; i >= 0; i--) if (file && list[i].file === file) list.splice(i, 1);
    for (const e of entries) {
      const list = this.byName.get(e.name) ?? [];
      if (!file) { const same = list.findIndex((x) => !x.file); if (same >= 0) list.splice(same, 1); }
      list.push(file ? { ...e, file } : e);
      this.byName.set(e.name, list);
    }
  }

  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  /**
   * The struct `name` a Go file at `near` means: the nearest definition; null when there is none, or when two equally
   * near ones differ. Kernel headers' structs only when `kernelToo` (an explicit `//ebpf:struct` marker).
   */
  find(name: string, near: string | undefined, kernelToo: boolean): CStructEntry | null {
    const list = (this.byName.get(name) ?? []).filter((e) => kernelToo || !e.kernel);
    if (list.length <= 1) return list[0] ?? null;
    const d = (e: CStructEntry) => (near && e.file ? distance(near, e.file) : 1000);
    const best = Math.min(...list.map(d));
    const nearest = list.filter((e) => d(e) === best);
    return nearest.every((e) => sameLayout(e.layout, nearest[0].layout)) ? nearest[0] : null;
  }

  /** This index and `other`'s entries for files this one does not know (an edited document's structs win over its file's). */
  merged(other: CStructIndex): CStructIndex {
    const out = new CStructIndex();
    const known = new Set([...this.byName.values()].flatMap((l) => l.map((e) => e.file)));
    for (const [name, list] of this.byName) out.byName.set(name, [...list]);
    for (const [name, list] of other.byName) {
      const fresh = list.filter((e) => !known.has(e.file));
      if (fresh.length > 0) out.byName.set(name, [...(out.byName.get(name) ?? []), ...fresh]);
    }
    return out;
  }
}

const SKIP = new Set(['node_modules', '.git', 'vendor', 'dist', 'out', 'build', 'testdata', 'third_party']);
const MAX_FILES = 400;
const MAX_BYTES = 1 << 20;
const RESCAN_MS = 3000;

/** A module's files that `want` picks, breadth first, in name order; vendored trees, testdata and nested modules left out. */
export function findFiles(root: string, want: (name: string, file: string) => boolean, limit: number): string[] {
  const out: string[] = [];
  const queue = [root];
  while (queue.length > 0 && out.length < limit) {
    const dir = queue.shift()!;
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.') && !existsSync(path.join(p, 'go.mod'))) queue.push(p); // a nested module is another module
      } else if (want(e.name, p) && out.length < limit) out.push(p);
    }
  }
  return out;
}

/** The directory holding go.mod at or above `dir`. */
export function moduleRoot(dir: string): string | null {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'go.mod'))) return d;
    if (path.dirname(d) === d) return null;
  }
}

/**
 * The C sources of a Go module (found from its go.mod root, breadth first, at most 400 files of 1 MiB, kernel
 * headers and vendored trees left out), for pairing hand-written Go mirrors with the structs they mirror.
 */
export class ModuleCSources {
  private readonly files = new FileStampCache<CStructEntry[]>();
  private readonly listings = new Map<string, { at: number; files: string[] }>();

  constructor(private readonly learn: (text: string, file: string) => Promise<CStructEntry[]>) {}

  private list(root: string): string[] {
    const hit = this.listings.get(root);
    if (hit && Date.now() - hit.at < RESCAN_MS) return hit.files;
    const out = findFiles(root, (name, p) => /\.(c|h)$/.test(name) && !isKernelHeader(p), MAX_FILES);
    this.listings.set(root, { at: Date.now(), files: out });
    return out;
  }

  /** The C structs of the module holding `goFile`. */
  async of(goFile: string): Promise<CStructIndex> {
    const index = new CStructIndex();
    const root = moduleRoot(path.dirname(goFile));
    if (!root) return index;
    for (const file of this.list(root)) {
      const st = statOrNull(file);
      if (!st || st.size > MAX_BYTES) continue;
      let entries = this.files.get(file, st)?.value;
      if (!entries) {
        try { entries = await this.learn(readFileSync(file, 'utf8'), file); } catch { entries = []; }
        this.files.set(file, st, entries);
      }
      index.addFile(file, entries);
    }
    return index;
  }
}
