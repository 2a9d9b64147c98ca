/**
 * The code lenses of open headers, from their includers' maps (header-struct-uses.ts): a header's are looked up after
 * its own analysis, and an includer's new analysis looks again for the open headers it includes.
 */
import type { CodeLens, Hover, Position } from 'vscode-languageserver-protocol';
import path from 'node:path';
import { HeaderStructUses, type HeaderStructUsesDeps } from './header-struct-uses';
import type { StructLayoutResult } from '../core/lsp-ext';
import { layoutHover, layoutLenses, structLayoutOf, type DocumentAnalysis } from './layout-features';

export interface HeaderLensesDeps extends Omit<HeaderStructUsesDeps, 'openModels'> {
  /** The open documents' latest analyses, by URI. */
  analyses: () => Map<string, DocumentAnalysis>;
  setLenses: (uri: string, lenses: CodeLens[]) => void;
  log: (text: string) => void;
}

export class HeaderLenses {
  private readonly uses: HeaderStructUses;
  /** Looks in flight: a lens request waits for them. */
  private readonly looks = new Set<Promise<void>>();

  constructor(private readonly deps: HeaderLensesDeps) {
    this.uses = new HeaderStructUses({ ...deps, openModels: () => [...deps.analyses().values()].flatMap((a) => (a.cModel ? [a.cModel] : [])) });
  }

  /** A document's lenses now: a header's with its includers' uses as last looked up. */
  lensesNow(analysis: DocumentAnalysis, uri: string): CodeLens[] {
    return layoutLenses(analysis, uri, this.uses.known(analysis.cModel?.file));
  }

  /** A hover in a document: on a header's struct, laid out as its includers compile it when it cannot be alone. */
  hover(analysis: DocumentAnalysis, pos: Position): Hover | null {
    return layoutHover(analysis, pos, this.uses.known(analysis.cModel?.file));
  }

  /** "Show Struct Layout" in a document: a header's struct laid out as its includers compile it when it cannot alone. */
  structLayout(analysis: DocumentAnalysis, name: string): StructLayoutResult {
    return structLayoutOf(analysis, name, this.uses.known(analysis.cModel?.file));
  }

  /** Look up the includers' uses for `analysis` (a header), or for the open headers it includes; never rejects. */
  look(analysis: DocumentAnalysis): Promise<void> {
    const look = this.update(analysis)
      .catch((e) => this.deps.log(`eBPF: looking for the uses of ${analysis.cModel?.file}'s structs failed: ${(e as Error).stack ?? String(e)}`))
      .finally(() => this.looks.delete(look));
    this.looks.add(look);
    return look;
  }

  /** Every look begun so far has set its lenses. */
  async settled(): Promise<void> {
    await Promise.all(this.looks);
  }

  private async update(analysis: DocumentAnalysis): Promise<void> {
    const file = analysis.cModel?.file;
    if (!file) return;
    const isHeader = file.endsWith('.h');
    const headers = new Set(isHeader ? [path.resolve(file)] : (analysis.cModel!.headers ?? []).flatMap((h) => (h.file ? [path.resolve(h.file)] : [])));
    for (const [uri, a] of [...this.deps.analyses()]) {
      const own = a.cModel?.file && path.resolve(a.cModel.file);
      if (!own || !headers.has(own)) continue;
      const uses = await this.uses.of(own, !isHeader); // an includer's edit: the header's other includers as last found
      if (this.deps.analyses().get(uri) === a) this.deps.setLenses(uri, layoutLenses(a, uri, uses)); // not if analysed again meanwhile
    }
  }
}
