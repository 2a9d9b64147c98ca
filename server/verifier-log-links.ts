/** Document links of a verifier log: `@ file:line` annotations and `<TAG>_SYM:` lines, to the source at that line. */
import type { DocumentLink } from 'vscode-languageserver-protocol';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findCSources } from '../core/analyze/workspace-files';
import { findGoFunction } from '../core/source-map/go-symbols';
import { LineKind } from '../core/verifier-log/line-kind';
import { symbolLine } from '../core/verifier-log/symbols';
import { resolveSourceFile } from '../core/verify/resolve-source';
import type { LogBlock } from '../core/verifier-log/log-blocks';

/** `; text @ file.c:12` (6.9+ annotations) and `  fn @ file.c:12:7` (7.x prose locations), at the end of a line. */
const AT_RE = / @ ([^\s:@]+):(\d+)(?::(\d+))?\s*$/;
const LINKED = new Set<number>([LineKind.Source, LineKind.Prose, LineKind.Other]);

/**
 * Where the files a log names are, found as the CLI's `--source-root` finds them (core/verify/resolve-source.ts):
 * the log's directory, then the workspace folders; then, since a log often sits apart from its sources, a C file of
 * the workspace with that name. Answers are kept: a log names the same few files on every line.
 */
export class SourceResolver {
  private readonly files = new Map<string, string | null>();
  private readonly symbols = new Map<string, { file: string; line: number } | null>();
  private workspaceC?: string[];

  constructor(readonly roots: string[]) {}

  file(name: string): string | null {
    let hit = this.files.get(name);
    if (hit === undefined) {
      hit = resolveSourceFile(name, this.roots);
      if (!hit && !path.isAbsolute(name)) {
        this.workspaceC ??= findCSources(this.roots.slice(1), 5000);
        const base = path.basename(name);
        const same = this.workspaceC.filter((f) => path.basename(f) === base);
        hit = same.length === 1 ? same[0] : null; // two files of that name: the log does not say which, so no link
      }
      this.files.set(name, hit);
    }
    return hit;
  }

  /** A Go function named by a `GO_SYM:` line (`main.process`), in the Go sources under the roots. */
  symbol(name: string): { file: string; line: number } | null {
    let hit = this.symbols.get(name);
    if (hit === undefined) {
      hit = findGoFunction(this.roots, name);
      this.symbols.set(name, hit);
    }
    return hit;
  }
}

/** `file:///…#L12`: the editor opens the file with the cursor on line 12 (1-based). */
export const sourceTarget = (file: string, line: number) => `${pathToFileURL(file).href}#L${Math.max(1, line)}`;

/** `symbolTags`: the `<TAG>_SYM:` lines to link (ebpf.symbolTags); empty, every tag. */
export function logLinks(blocks: LogBlock[], resolver: SourceResolver, symbolTags: readonly string[] = []): DocumentLink[] {
  const links: DocumentLink[] = [];
  for (const { index: ix, offset } of blocks) {
    for (let i = 0; i < ix.lineCount; i++) {
      const kind = ix.kinds[i];
      if (kind === LineKind.Symbol) {
        const text = ix.text(i);
        const sym = symbolLine(text);
        const hit = sym && (symbolTags.length === 0 || symbolTags.includes(sym.tag)) ? resolver.symbol(sym.symbol) : null;
        if (!sym || !hit) continue;
        const start = text.indexOf(sym.symbol);
        links.push({
          range: { start: { line: offset + i, character: start }, end: { line: offset + i, character: text.trimEnd().length } },
          target: sourceTarget(hit.file, hit.line),
          tooltip: `${sym.symbol}: ${path.basename(hit.file)}:${hit.line} (instruction ${sym.insnOffset} of the function)`,
        });
        continue;
      }
      if (!LINKED.has(kind)) continue;
      const text = ix.text(i);
      const m = AT_RE.exec(text);
      if (!m) continue;
      const line = Number(m[2]);
      const file = resolver.file(m[1]);
      if (!file || line === 0) continue; // `;  @ x.c:0`: compiler-generated code, no line to open
      const start = m.index + 3;
      links.push({
        range: { start: { line: offset + i, character: start }, end: { line: offset + i, character: start + m[1].length + 1 + m[2].length + (m[3] ? m[3].length + 1 : 0) } },
        target: sourceTarget(file, line),
        tooltip: `${file}:${line}`,
      });
    }
  }
  return links;
}
