import type { Parser, Tree } from 'web-tree-sitter';
import { lintCModel } from '../rules/lint-c';
import type { Finding } from '../rules/finding';
import { extractCModel } from '../source/c-extract';
import type { CFileModel } from '../source/c-model';
import { createParser, type SourceLanguage } from '../source/tree-sitter';
import { extractGoModel } from '../source/go-extract';
import type { GoFileModel } from '../source/go-model';
import { goStructUses, type GoStructUse } from '../source/go-usage';
import { checkReflectDecode } from '../rules/go-reflect-decode';
import { checkGoStructs } from '../rules/go-struct-rules';
import { checkGoCMismatch } from '../rules/go-c-mismatch';
import { CLayoutEngine } from '../layout/c-layout';
import type { StructLayout } from '../layout/types';

export interface SourceAnalysis {
  language: SourceLanguage;
  tree: Tree;
  cModel?: CFileModel;
  goModel?: GoFileModel;
  /** The Go structs that cross into the kernel, and why. */
  goUses?: Map<string, GoStructUse>;
  findings: Finding[];
}

/** Parses documents with tree-sitter and runs the rules of their language; shared by the language server and the CLI. */
export class SourceAnalyzer {
  private parsers = new Map<SourceLanguage, Promise<Parser>>();

  private parser(lang: SourceLanguage): Promise<Parser> {
    let p = this.parsers.get(lang);
    if (!p) {
      p = createParser(lang);
      this.parsers.set(lang, p);
    }
    return p;
  }

  /** C struct layouts the Go rules compare against (from the workspace's C sources), by struct name. */
  cStructs = new Map<string, StructLayout>();

  /** Learn the layouts of a C source's structs, for go-c-mismatch. */
  async learnC(text: string): Promise<void> {
    const parser = await this.parser('c');
    const tree = parser.parse(text);
    if (!tree) return;
    const model = extractCModel(tree);
    tree.delete();
    this.learnCModel(model);
  }

  /** The same, from a model already extracted (the language server's, after `analyze`). */
  learnCModel(model: CFileModel): void {
    const engine = new CLayoutEngine(model);
    for (const rec of model.records) {
      if (!rec.name) continue;
      const out = engine.structLayout(rec);
      if (out.ok) this.cStructs.set(rec.name, out.value);
    }
  }

  async analyze(language: SourceLanguage, text: string): Promise<SourceAnalysis> {
    const parser = await this.parser(language);
    const tree = parser.parse(text);
    if (!tree) throw new Error(`tree-sitter could not parse this ${language} document`);
    if (language === 'c') {
      const cModel = extractCModel(tree);
      return { language, tree, cModel, findings: lintCModel(cModel) };
    }
    const goModel = extractGoModel(tree);
    const { uses, sites } = goStructUses(tree, goModel);
    return { language, tree, goModel, goUses: uses, findings: [...checkGoStructs(goModel, uses, this.cStructs), ...checkGoCMismatch(goModel, uses, this.cStructs),
      ...checkReflectDecode(goModel, sites)] };
  }
}
