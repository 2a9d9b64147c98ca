import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { GoFileModel, GoTypeRef } from '../source/go-model';
import { FileStampCache, statOrNull } from '../util/file-stamp-cache';
import { builtFor, buildFiles, packageDir, readGoMod, type GoModFile } from './go-stdlib';
import { findFiles, moduleRoot } from './module-c-sources';

const MAX_FILES = 200;
const MAX_MODULE_FILES = 2000;

/** A Go file's text up to its first declaration after the imports: the part that names what it imports. */
function importBlock(text: string): string {
  const end = text.search(/^(?:func|type|var|const)\s/m);
  return end < 0 ? text : text.slice(0, end);
}
/** How many packages deep a by-value type is followed into other packages (time.Time → time.Location is a pointer: not followed). */
const MAX_DEPTH = 4;

/** The packages a file's struct fields name by value (`pkg.Type`, arrays of them, nested anonymous structs). */
function referencedPackages(models: GoFileModel[]): Set<string> {
  const out = new Set<string>();
  const visit = (t: GoTypeRef) => {
    if (t.kind === 'named' && t.pkg) out.add(t.pkg);
    else if (t.kind === 'array') visit(t.of);
    else if (t.kind === 'struct') for (const f of t.fields) visit(f.type);
  };
  for (const m of models) {
    for (const s of m.structs) for (const f of s.fields) visit(f.type);
    for (const d of m.defined.values()) visit(d);
  }
  return out;
}

/**
 * The Go files a file's types can come from: the other files of its package, the packages of its own module it
 * imports, and the standard library's and other modules' packages its structs hold by value (time.Duration,
 * netip.Addr, sync.Mutex), read from GOROOT, vendor/ or the module cache (go-stdlib.ts). Parsed once and cached by
 * mtime; a package that is not on the machine stays unknown, with the reason in `packageErrors`.
 */
export class GoPackageSources {
  private readonly files = new FileStampCache<GoFileModel | null>();

  constructor(private readonly parse: (text: string) => Promise<GoFileModel | null>) {}

  private async model(file: string): Promise<GoFileModel | null> {
    try {
      const st = statSync(file);
      const hit = this.files.get(file, st);
      if (hit) return hit.value;
      const text = readFileSync(file, 'utf8');
      const model = builtFor(file, text) ? await this.parse(text) : null; // bpf2go's _bpfeb.go is not built on amd64
      if (model) model.file = file;
      this.files.set(file, st, model);
      return model;
    } catch {
      return null;
    }
  }

  /** Non-test Go files of a directory with package clause `pkg` (any package when null), `except` left out. */
  private async packageFiles(dir: string, pkg: string | null, except?: string, names?: string[]): Promise<GoFileModel[]> {
    let files: string[];
    try {
      files = names ?? readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort().slice(0, MAX_FILES).map((n) => path.join(dir, n));
    } catch {
      return [];
    }
    const out: GoFileModel[] = [];
    for (const file of files) {
      if (file === except) continue;
      const m = await this.model(file);
      if (m && (pkg === null || m.pkg === pkg)) out.push(m);
      if (m && pkg === null) pkg = m.pkg; // the first file names the package of the directory
    }
    return out;
  }

  /** Attach `siblings`, `packages`, `packageErrors` and `importers` to a file's model. */
  async resolve(file: string, model: GoFileModel): Promise<void> {
    const abs = path.resolve(file);
    model.siblings = await this.packageFiles(path.dirname(abs), model.pkg, abs);
    const root = moduleRoot(path.dirname(abs));
    const mod = root ? readGoMod(root) : null;
    await this.attach([model, ...model.siblings], mod, 0);
    if (mod && model.pkg !== 'main' && model.structs.length > 0) {
      const rel = path.relative(mod.root, path.dirname(abs)).split(path.sep).join('/');
      const importPath = rel ? `${mod.module}/${rel}` : mod.module;
      model.importers = { root: mod.root, path: importPath, packages: await this.importers(mod.root, importPath) };
    }
  }

  /** Each Go file's import block, by file stamp: the text is read again only when it changed. */
  private readonly importsCache = new FileStampCache<string>();
  /** Per module: which directories import each path, from one pass over its Go files, kept 3 s (a lint run asks once per file). */
  private readonly importIndex = new Map<string, { at: number; dirs: Map<string, Set<string>> }>();

  /** The directories of the module whose Go files import each path (vendor/, testdata/, nested modules left out). */
  private importingDirs(root: string): Map<string, Set<string>> {
    const hit = this.importIndex.get(root);
    if (hit && Date.now() - hit.at < 3000) return hit.dirs;
    const dirs = new Map<string, Set<string>>();
    for (const file of findFiles(root, (n) => n.endsWith('.go') && !n.endsWith('_test.go'), MAX_MODULE_FILES)) {
      const st = statOrNull(file);
      if (!st) continue;
      let head = this.importsCache.get(file, st)?.value;
      if (head === undefined) {
        try { head = importBlock(readFileSync(file, 'utf8')); } catch { head = ''; }
        this.importsCache.set(file, st, head);
      }
      for (const m of head.matchAll(/"([^"\s]+)"/g)) {
        const set = dirs.get(m[1]) ?? new Set<string>();
        set.add(path.dirname(file));
        dirs.set(m[1], set);
      }
    }
    this.importIndex.set(root, { at: Date.now(), dirs });
    return dirs;
  }

  /** The module's packages (by directory) with a file that imports `importPath`, each with all its files. */
  private async importers(root: string, importPath: string): Promise<GoFileModel[][]> {
    const dirs = this.importingDirs(root).get(importPath) ?? new Set<string>();
    const out: GoFileModel[][] = [];
    for (const dir of [...dirs].sort()) {
      const files = await this.packageFiles(dir, null);
      if (files.length > 0) out.push(files);
    }
    return out;
  }

  /**
   * Resolve the packages the files' structs name, and (for the analysed package) every package of the module it
   * imports: their structs type receivers such as `objs.Events` of an exported `probe.Objects`.
   */
  private async attach(models: GoFileModel[], mod: GoModFile | null, depth: number): Promise<void> {
    const wanted = referencedPackages(models);
    const own = (p: string) => mod !== null && (p === mod.module || p.startsWith(`${mod.module}/`));
    if (depth === 0) for (const i of models.flatMap((m) => m.imports)) if (own(i.path) && i.name !== '_' && i.name !== '.') wanted.add(i.name);
    const packages = new Map<string, GoFileModel[]>();
    const errors = new Map<string, string>();
    for (const name of wanted) {
      const imp = models.flatMap((m) => m.imports).find((i) => i.name === name);
      if (!imp) continue; // not an import: a later error says the type is unknown
      const files = await this.importedPackage(imp.path, mod);
      if ('missing' in files) { errors.set(name, files.missing); continue; }
      packages.set(name, files.files);
      if (depth < MAX_DEPTH && files.files.length > 0 && !files.files[0].packages) {
        files.files[0].packages = new Map(); // marks it resolved (import cycles end here)
        await this.attach(files.files, mod, depth + 1);
      }
    }
    for (const m of models) {
      m.packages = packages;
      m.packageErrors = errors;
    }
  }

  /** Where each package from outside the module was found, kept a few seconds (a lint run asks for time or sync once per file). */
  private readonly found = new Map<string, { at: number; value: { files: GoFileModel[] } | { missing: string } }>();

  private async importedPackage(importPath: string, mod: GoModFile | null): Promise<{ files: GoFileModel[] } | { missing: string }> {
    const own = mod && (importPath === mod.module || importPath.startsWith(`${mod.module}/`));
    if (own) return this.locate(importPath, mod); // the module's own files change as they are edited: read their stamps each time
    const key = `${mod?.root ?? ''}\0${importPath}`;
    const hit = this.found.get(key);
    if (hit && Date.now() - hit.at < 3000) return hit.value;
    const value = await this.locate(importPath, mod);
    this.found.set(key, { at: Date.now(), value });
    return value;
  }

  private async locate(importPath: string, mod: GoModFile | null): Promise<{ files: GoFileModel[] } | { missing: string }> {
    if (mod && (importPath === mod.module || importPath.startsWith(`${mod.module}/`))) {
      const files = await this.packageFiles(path.join(mod.root, importPath.slice(mod.module.length)), null);
      return files.length > 0 ? { files } : { missing: `${importPath} has no Go files in this module` };
    }
    const where = packageDir(importPath, mod);
    if ('missing' in where) return where;
    const files = await this.packageFiles(where.dir, null, undefined, buildFiles(where.dir, MAX_FILES));
    return files.length > 0 ? { files } : { missing: `${importPath} has no Go files built for linux in ${where.dir}` };
  }
}
