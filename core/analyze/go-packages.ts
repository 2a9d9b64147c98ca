import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { GoFileModel } from '../source/go-model';
import { FileStampCache } from '../util/file-stamp-cache';

const MAX_FILES = 200;

/** The directory holding go.mod above `dir`, and the module path it declares. */
function moduleOf(dir: string): { root: string; module: string } | null {
  for (let d = dir; ; d = path.dirname(d)) {
    const mod = path.join(d, 'go.mod');
    if (existsSync(mod)) {
      const m = /^\s*module\s+(\S+)/m.exec(readFileSync(mod, 'utf8'));
      return m ? { root: d, module: m[1].replace(/^"|"$/g, '') } : null;
    }
    if (path.dirname(d) === d) return null;
  }
}

/**
 * The Go files a file's types can come from: the other files of its package, and the packages of its own module
 * it imports (`pkg.Type`). Parsed once and cached by mtime; packages outside the module stay unknown.
 */
export class GoPackageSources {
  private readonly files = new FileStampCache<GoFileModel | null>();

  constructor(private readonly parse: (text: string) => Promise<GoFileModel | null>) {}

  private async model(file: string): Promise<GoFileModel | null> {
    try {
      const st = statSync(file);
      const hit = this.files.get(file, st);
      if (hit) return hit.value;
      const model = await this.parse(readFileSync(file, 'utf8'));
      if (model) model.file = file;
      this.files.set(file, st, model);
      return model;
    } catch {
      return null;
    }
  }

  /** Non-test Go files of a directory with package clause `pkg` (any package when null), `except` left out. */
  private async packageFiles(dir: string, pkg: string | null, except?: string): Promise<GoFileModel[]> {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort().slice(0, MAX_FILES);
    } catch {
      return [];
    }
    const out: GoFileModel[] = [];
    for (const n of names) {
      const file = path.join(dir, n);
      if (file === except) continue;
      const m = await this.model(file);
      if (m && (pkg === null || m.pkg === pkg)) out.push(m);
      if (m && pkg === null) pkg = m.pkg; // the first file names the package of the directory
    }
    return out;
  }

  /** Attach `siblings` and `packages` to a file's model. */
  async resolve(file: string, model: GoFileModel): Promise<void> {
    const abs = path.resolve(file);
    model.siblings = await this.packageFiles(path.dirname(abs), model.pkg, abs);
    const mod = moduleOf(path.dirname(abs));
    if (!mod) return;
    const packages = new Map<string, GoFileModel[]>();
    for (const imp of model.imports) {
      if (imp.path !== mod.module && !imp.path.startsWith(`${mod.module}/`)) continue;
      const files = await this.packageFiles(path.join(mod.root, imp.path.slice(mod.module.length)), null);
      if (files.length === 0) continue;
      packages.set(files[0].pkg, files); // the name the package declares, which an import without alias uses
      if (imp.name !== '_' && imp.name !== '.') packages.set(imp.name, files);
    }
    model.packages = packages;
  }
}
