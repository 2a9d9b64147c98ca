import type { Parser, Tree } from 'web-tree-sitter';
import { lintCModel } from '../rules/lint-c';
import type { Finding } from '../rules/finding';
import { extractCModel } from '../source/c-extract';
import type { CFileModel } from '../source/c-model';
import { createParser, type SourceLanguage } from '../source/tree-sitter';
import { extractGoModel } from '../source/go-extract';
import type { GoFileModel } from '../source/go-model';
import { goStructUses } from '../source/go-usage';
import { checkGoStructs } from '../rules/go-struct-rules';

export interface SourceAnalysis {
  language: SourceLanguage;
  tree: Tree;
  cModel?: CFileModel;
  goModel?: GoFileModel;
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

  async analyze(language: SourceLanguage, text: string): Promise<SourceAnalysis> {
    const parser = await this.parser(language);
    const tree = parser.parse(text);
    if (!tree) throw new Error(`tree-sitter could not parse this ${language} document`);
    if (language === 'c') {
      const cModel = extractCModel(tree);
      return { language, tree, cModel, findings: lintCModel(cModel) };
    }
    const goModel = extractGoModel(tree);
    return { language, tree, goModel, findings: checkGoStructs(goModel, goStructUses(tree, goModel)) };
  }
}
