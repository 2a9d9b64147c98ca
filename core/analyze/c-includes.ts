import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Btf, type BtfType } from '../btf/btf-reader';
import { BtfLayouts } from '../btf/btf-layout';
import { cachedObjectPath } from '../build/clang';
import { ElfFile } from '../elf/elf-reader';
import type { CFileModel, ExternalLayouts } from '../source/c-model';
import { FileStampCache, statOrNull } from '../util/file-stamp-cache';
import { CompileCommands } from './compile-commands';
import { SystemMacros } from './system-macros';

const MAX_DEPTH = 16;
/** Larger headers (vmlinux.h is tens of megabytes) are not parsed: their types come from BTF. */
const MAX_HEADER_BYTES = 2_000_000;
const KERNEL_BTF = '/sys/kernel/btf/vmlinux';
/** Where the system's headers live: `<...>` found there is left to BTF, even when a `-I` names the directory. */
const SYSTEM_DIRS = ['/usr/include', '/usr/local/include', '/usr/lib'];

/**
 * Where a C file's foreign types come from: the headers it includes (parsed, transitively, cached by mtime), the BTF
 * of its compiled object (next to it, or where `verify` builds it), and the kernel's BTF when it includes vmlinux.h.
 */
export class CTypeSources {
  private readonly headers = new FileStampCache<CFileModel | null>();
  private readonly objects = new FileStampCache<ExternalLayouts | null>();

  /** `-I` directories, searched after the including file's own directory. */
  includeDirs: string[] = [];
  /** The workspace's headers: an include found nowhere else is the one of these whose path ends the same way. */
  workspaceHeaders: string[] = [];
  /** `-D NAME[=VALUE]` from the command line (or the editor's settings), after the build's own. */
  defines: [string, string | null][] = [];

  constructor(private readonly parse: (text: string) => Promise<CFileModel | null>) {}

  private readonly compileCommands = new CompileCommands();
  private systemMacros = new SystemMacros();

  /** The clang that preprocesses system headers for their macros (the editor's ebpf.clang.path); a new one forgets the old one's answers. */
  useClang(clang: string): void {
    if (clang !== this.systemMacros.clang) this.systemMacros = new SystemMacros(clang);
  }

  /**
   * Where `#include "inc"` in a file of `fromDir` leads: beside it, in an `-I` directory (given, then the build's for
   * the file being analysed, `unitDirs`, from compile_commands.json), or else the workspace header whose path ends in
   * `/inc` nearest to `fromDir` (build systems pass `-I../headers`; without a database an editor cannot know that).
   */
  resolveInclude(fromDir: string, inc: string, unitDirs: string[] = []): string | null {
    for (const dir of [fromDir, ...this.includeDirs, ...unitDirs]) {
      const p = path.resolve(dir, inc);
      if (existsSync(p)) return p;
    }
    const suffix = `${path.sep}${path.normalize(inc)}`;
    let best: string | null = null;
    let bestShared = -1;
    for (const h of this.workspaceHeaders) {
      if (!h.endsWith(suffix)) continue;
      const shared = sharedPrefixDirs(fromDir, path.dirname(h));
      if (shared > bestShared || (shared === bestShared && best !== null && h.length < best.length)) {
        best = h;
        bestShared = shared;
      }
    }
    return best;
  }

  private async header(file: string): Promise<CFileModel | null> {
    const st = statOrNull(file);
    if (!st) return null;
    const hit = this.headers.get(file, st);
    if (hit) return hit.value;
    let model: CFileModel | null = null;
    try {
      if (st.isFile() && st.size <= MAX_HEADER_BYTES) model = await this.parse(readFileSync(file, 'utf8'));
      if (model) model.file = file;
      this.headers.set(file, st, model);
    } catch {
      // unreadable: its types stay unknown, and the layout says which
    }
    return model;
  }

  /**
   * `<inc>`: only through the `-I` directories (given, then the build's); the system's own directories are left to
   * BTF (their headers are the kernel's and libc's, whose types BTF has).
   */
  resolveSystemInclude(inc: string, unitDirs: string[] = []): string | null {
    for (const dir of [...this.includeDirs, ...unitDirs]) {
      if (SYSTEM_DIRS.some((s) => dir === s || dir.startsWith(`${s}/`))) continue;
      const p = path.resolve(dir, inc);
      if (existsSync(p)) return p;
    }
    return null;
  }

  /**
   * The file's headers (quoted includes, see resolveInclude; angle ones through -I, resolveSystemInclude), and
   * theirs, once each. Also sets the model's include links and predefined macros (the build's `-D`s, then the
   * command line's), which the preprocessor run needs (c-preprocess.ts).
   */
  async includedHeaders(file: string, model: CFileModel): Promise<CFileModel[]> {
    const out: CFileModel[] = [];
    const seen = new Map<string, CFileModel | null>([[path.resolve(file), model]]);
    const flags = this.compileCommands.flags(file); // every header of the unit is compiled with its flags
    const links = new Map<CFileModel, Map<string, CFileModel>>();
    const visit = async (from: string, m: CFileModel, depth: number) => {
      if (depth > MAX_DEPTH) return;
      for (const inc of m.includes) {
        if (path.basename(inc.path) === 'vmlinux.h') continue;
        const target = inc.system ? this.resolveSystemInclude(inc.path, flags.includeDirs) : this.resolveInclude(path.dirname(from), inc.path, flags.includeDirs);
        if (!target) continue;
        let h = seen.get(target);
        if (h === undefined) {
          h = await this.header(target);
          seen.set(target, h);
          if (h) {
            out.push(h);
            await visit(target, h, depth + 1);
          }
        }
        if (h) {
          if (!links.has(m)) links.set(m, new Map());
          links.get(m)!.set(inc.path, h);
        }
      }
    };
    await visit(file, model, 0);
    model.includeLinks = links;
    model.predefined = new Map([...flags.defines, ...this.defines]);
    // the macros of the system headers it includes, from clang's preprocessor (their types come from BTF)
    const system = [...new Set([model, ...out].flatMap((m) => m.includes.filter((i) => i.system && !links.get(m)?.has(i.path)).map((i) => i.path)))]
      .filter((p) => !/^bpf\/bpf_\w+\.h$/.test(p));
    model.systemMacros = new Map();
    const defines = [...model.predefined];
    for (const p of system) {
      const macros = await this.systemMacros.of(p, [...this.includeDirs, ...flags.includeDirs], defines);
      if (macros) model.systemMacros.set(p, macros);
    }
    model.unreadIncludes = [model, ...out].flatMap((m) => m.includes.filter((i) => !i.system && !links.get(m)?.has(i.path) && path.basename(i.path) !== 'vmlinux.h').map((i) => i.path));
    return out;
  }

  private btfOf(file: string, origin: string): ExternalLayouts | null {
    const st = statOrNull(file);
    if (!st) return null;
    const hit = this.objects.get(file, st);
    if (hit) return hit.value;
    let value: ExternalLayouts | null = null;
    try {
      const data = readFileSync(file);
      let btf: Btf;
      if (file === KERNEL_BTF) btf = new Btf(data);
      else {
        const elf = new ElfFile(data);
        const section = elf.section('.BTF');
        if (!section) throw new Error('no .BTF');
        btf = new Btf(elf.data(section));
      }
      const layouts = new BtfLayouts(btf);
      let records: Map<string, BtfType> | undefined;
      value = {
        origin, layout: (kind, name) => layouts.layoutByName(kind, name),
        // the kernel's BTF has its own structs of any name: only the program's object stands in for its source
        structLayout: file === KERNEL_BTF ? undefined : (kind, name) => {
          records ??= new Map(btf.types.filter((t) => (t.kind === 'STRUCT' || t.kind === 'UNION') && t.name).map((t) => [`${t.kind.toLowerCase()} ${t.name}`, t] as const).reverse());
          const t = records.get(`${kind} ${name}`);
          return t ? layouts.structLayout(t) : undefined;
        },
      };
      this.objects.set(file, st, value);
    } catch {
      // no object, or one without BTF: nothing to resolve from
    }
    return value;
  }

  /** BTF for the file: its object built no earlier than the source was changed, then the kernel's for vmlinux.h users. */
  btfFor(file: string, model: CFileModel): ExternalLayouts[] {
    const out: ExternalLayouts[] = [];
    const abs = path.resolve(file);
    let sourceTime = 0;
    try { sourceTime = statSync(abs).mtimeMs; } catch { /* an unsaved document: any object will do */ }
    const base = abs.replace(/\.c$/, '');
    for (const candidate of [`${base}.o`, `${base}.bpf.o`, cachedObjectPath(abs)]) {
      try {
        if (statSync(candidate).mtimeMs < sourceTime) continue; // older than the source: its types may be stale
      } catch {
        continue;
      }
      const b = this.btfOf(candidate, `the BTF of ${path.basename(candidate)}`);
      if (b) {
        out.push(b);
        break;
      }
    }
    // the kernel's BTF has vmlinux.h's types, and the uapi types of <linux/...> (struct bpf_spin_lock): used for those
    // when every project header was found (a missing one could define a struct of the same name)
    const uapi = model.includes.some((i) => i.system && i.path.startsWith('linux/')) && model.unreadIncludes?.length === 0;
    if ((uapi || model.includes.some((i) => path.basename(i.path) === 'vmlinux.h')) && existsSync(KERNEL_BTF)) {
      const k = this.btfOf(KERNEL_BTF, "the kernel's BTF");
      if (k) out.push(k);
    }
    return out;
  }
}

/** How many leading directories two paths share. */
function sharedPrefixDirs(a: string, b: string): number {
  const x = path.resolve(a).split(path.sep);
  const y = path.resolve(b).split(path.sep);
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}
