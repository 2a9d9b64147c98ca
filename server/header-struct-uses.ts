/**
 * Where the workspace's C files hand a header's structs to the kernel: map keys and values, events sent to user space.
 * In the usual libbpf layout the struct is declared in `ev.h` (shared with user space) and the map is in
 * `prog.bpf.c`; the header alone has no map, so its code lens says which includer's map the struct's bytes go to.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CLayoutEngine } from '../core/layout/c-layout';
import type { StructLayout } from '../core/layout/types';
import type { CFileModel } from '../core/source/c-model';
import { cStructUses } from '../core/source/c-usage';
import { displayName } from './layout-features';
import { IncluderIndex } from './verify-on-save-includers';

/** One use of an included header's struct, in the file that includes it. */
export interface HeaderStructUse {
  /** The header declaring the struct (absolute). */
  header: string;
  /** The struct as "Show Struct Layout" names it: `struct flow_key`, or a typedef name for an anonymous one. */
  name: string;
  /** `key of map 'flows' (BPF_MAP_TYPE_HASH)`, `sent to user space by bpf_ringbuf_output(...)`. */
  why: string;
  /** The file using it (absolute). */
  file: string;
  /** Its layout as the file using it compiles it (the types a header takes from what is included before it). */
  layout?: StructLayout;
}

/** The uses in `model` (a resolved file: its headers read) of structs that one of its headers declares. */
export function includedStructUses(model: CFileModel): HeaderStructUse[] {
  if (!model.file || !model.headers?.length) return [];
  const engine = new CLayoutEngine(model);
  const out: HeaderStructUse[] = [];
  for (const use of cStructUses(model)) {
    const rec = engine.resolveRecord(use.type);
    if (!rec || model.records.includes(rec)) continue;
    const header = model.headers.find((h) => h.records.includes(rec));
    if (!header?.file) continue;
    const layout = engine.structLayout(rec);
    out.push({ header: path.resolve(header.file), name: displayName(rec), why: use.why, file: model.file, ...(layout.ok ? { layout: layout.value } : {}) });
  }
  return out;
}

export interface HeaderStructUsesDeps {
  /** The workspace folders: where includers are looked for. */
  roots: () => string[];
  /** The open C documents' models (their unsaved text is what counts); those without a file are skipped. */
  openModels: () => CFileModel[];
  /** A closed file's model, its headers resolved. */
  analyze: (file: string, text: string) => Promise<CFileModel | undefined>;
  /** Closed files longer than this are not read (the editor analyses such documents off the main thread). */
  maxChars: number;
}

interface OnDisk { mtimeMs: number; size: number; uses: HeaderStructUse[] }

export class HeaderStructUses {
  private readonly includers = new IncluderIndex();
  /** A closed includer's uses, read again only when its mtime or size changed. */
  private readonly onDisk = new Map<string, OnDisk>();
  /** Each header's includers (open or not) on disk at its last look. */
  private readonly diskIncluders = new Map<string, string[]>();
  /** Each header's uses at its last look, for a lens shown before the next look is done. */
  private readonly last = new Map<string, HeaderStructUse[]>();

  constructor(private readonly deps: HeaderStructUsesDeps) {}

  /** The uses found at the last look at `header` (none yet: empty). */
  known(header: string | undefined): HeaderStructUse[] {
    return header ? this.last.get(path.resolve(header)) ?? [] : [];
  }

  /**
   * The uses of `header`'s structs in the open C documents and the workspace's closed .c files that include it,
   * directly or through other headers (IncluderIndex).
   * `sameIncluders`: the closed includers found at the last look will do (an open includer's edit changes only its
   * own uses; walking a large workspace on each of its edits would cost tens of milliseconds).
   */
  async of(header: string, sameIncluders = false): Promise<HeaderStructUse[]> {
    const h = path.resolve(header);
    const open = this.deps.openModels().filter((m) => m.file);
    const openFiles = new Set(open.map((m) => path.resolve(m.file!)));
    const uses = open.flatMap((m) => includedStructUses(m));
    const found = (sameIncluders && this.diskIncluders.get(h)) || this.includers.includersOf(this.deps.roots(), h, (f) => f.endsWith('.c'));
    this.diskIncluders.set(h, found);
    const closed = found.filter((f) => !openFiles.has(path.resolve(f)));
    for (const f of closed) uses.push(...await this.fromDisk(f));
    // an includer's `#include "ev.h"` may lead to another directory's ev.h: only this header's structs
    const mine = uses.filter((u) => u.header === h);
    this.last.set(h, mine);
    return mine;
  }

  private async fromDisk(file: string): Promise<HeaderStructUse[]> {
    let st;
    try {
      st = statSync(file);
    } catch {
      this.onDisk.delete(file);
      return [];
    }
    const known = this.onDisk.get(file);
    if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) return known.uses;
    let uses: HeaderStructUse[] = [];
    if (st.size <= this.deps.maxChars) {
      try {
        const model = await this.deps.analyze(file, readFileSync(file, 'utf8'));
        uses = model ? includedStructUses(model) : [];
      } catch {
        // unreadable or unparsable: it uses nothing we can tell
      }
    }
    this.onDisk.set(file, { mtimeMs: st.mtimeMs, size: st.size, uses });
    return uses;
  }
}
