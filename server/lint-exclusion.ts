/**
 * `ebpf.lint.exclude`: documents whose path matches one of the globs get no lint diagnostics (vendored code,
 * generated bindings, vmlinux.h). Patterns are relative to a workspace folder, as in VS Code's files.exclude; an
 * absolute pattern matches the absolute path. picomatch does the matching, as it does for VS Code's own globs.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';

export class LintExclusion {
  private match: (file: string) => boolean = () => false;
  private roots: string[] = [];
  private globs: string[] = [];

  /** A bad pattern is named through `warn` and skipped: the others still apply. */
  configure(globs: readonly string[], roots: readonly string[], warn: (message: string) => void): void {
    this.globs = [...globs];
    this.roots = roots.map((r) => path.resolve(r));
    const matchers: ((file: string) => boolean)[] = [];
    for (const g of globs) {
      try {
        matchers.push(picomatch(g.replace(/^\.\//, ''), { dot: true }));
      } catch (e) {
        warn(`eBPF: ebpf.lint.exclude: "${g}" is not a glob (${(e as Error).message}); skipped.`);
      }
    }
    this.match = matchers.length === 0 ? () => false : (file) => matchers.some((m) => m(file));
  }

  /** The globs now in force (to tell whether a change needs the open documents linted again). */
  get patterns(): readonly string[] {
    return this.globs;
  }

  /** Whether the document at `uri` (a file: URI; others are never excluded) gets no lint diagnostics. */
  excludes(uri: string): boolean {
    if (!uri.startsWith('file:') || this.globs.length === 0) return false;
    const file = fileURLToPath(uri);
    if (this.match(file)) return true; // an absolute pattern
    for (const root of this.roots) {
      const rel = path.relative(root, file);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel) && this.match(rel.split(path.sep).join('/'))) return true;
    }
    return false;
  }
}
