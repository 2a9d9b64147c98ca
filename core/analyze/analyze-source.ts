import path from 'node:path';
import type { Parser, Tree } from 'web-tree-sitter';
import type { StructLayout } from '../layout/types';
import type { Finding } from '../rules/finding';
import { lintGoModel } from '../rules/lint-go';
import { lintCModel } from '../rules/lint-c';
import { applyLintControls, type SeverityOverrides } from '../rules/unsafe/lint-controls';
import type { KernelFacts } from '../rules/unsafe/rule';
import { runUnsafeRules } from '../rules/unsafe/run-rules';
import { CModelCache, extractCModel } from '../source/c-model-builder';
import type { CFileModel } from '../source/c-model';
import { extractGoModel, GoModelCache } from '../source/go-model-builder';
import type { GoFileModel } from '../source/go-model';
import { resolveUses, type GoStructUse } from '../source/go-uses';
import { createParser, parsedText, parseSource, type SourceLanguage } from '../source/tree-sitter';
import { CTypeSources } from './c-includes';
import { GoPackageSources } from './go-packages';
import { CStructIndex, cStructLayouts, ModuleCSources } from './module-c-sources';
import { incrementalEdit } from './incremental-edit';

export interface SourceAnalysis {
  language: SourceLanguage;
  cModel?: CFileModel;
  goModel?: GoFileModel;
  /** The Go structs that cross into the kernel, and why. */
  goUses?: Map<string, GoStructUse>;
  findings: Finding[];
}

export interface AnalyzeOptions {
  /** The file on disk: its headers, package and compiled object supply the types it does not define. */
  file?: string;
  /** A document identity (the editor's URI): its previous tree is kept and reparsed incrementally after an edit. */
  document?: string;
}

/** A document's declarations extracted at its last analysis, reused after an edit. */
interface FragmentCaches { c: CModelCache; go: GoModelCache }

/** Parses documents with tree-sitter and runs the rules of their language; shared by the language server and the CLI. */
export class SourceAnalyzer {
  private readonly parsers = new Map<SourceLanguage, Promise<Parser>>();
  private readonly documents = new Map<string, { language: SourceLanguage; text: string; tree: Tree; caches: FragmentCaches }>();
  private readonly cTypes = new CTypeSources((text) => this.extract('c', text, (tree) => extractCModel(tree, text)));
  private readonly goPackages = new GoPackageSources((text) => this.extract('go', text, (tree) => extractGoModel(tree)));

  /** Where quoted includes are looked for after the including file's directory: `-I` directories, then the workspace. */
  setIncludeSearch(search: { includeDirs?: string[]; workspaceHeaders?: string[]; defines?: [string, string | null][]; clang?: string }): void {
    if (search.clang) this.cTypes.useClang(search.clang); // it reads the system headers' macros
    if (search.defines) this.cTypes.defines = search.defines;
    if (search.includeDirs) this.cTypes.includeDirs = search.includeDirs.map((d) => path.resolve(d));
    if (search.workspaceHeaders) this.cTypes.workspaceHeaders = search.workspaceHeaders.map((h) => path.resolve(h));
  }

  /** C struct layouts the Go rules compare against (from the workspace's C sources), by struct name. */
  readonly cStructs = new Map<string, StructLayout>();
  private readonly cIndex = new CStructIndex();
  /** The C sources of each Go file's module, for hand-written mirrors in other packages (go-c-pairing.ts). */
  private readonly moduleC = new ModuleCSources(async (text, file) => {
    const model = await this.extract('c', text, (tree) => extractCModel(tree, text));
    if (!model) return [];
    await this.resolveC(file, model);
    return cStructLayouts(model, file);
  });

  /**
   * C struct names (bare: `event`, `flow_key`) that some kernel-bound Go type of the workspace mirrors. The Go side
   * fills it while analysing Go files; the C rules read it to decide whether to speak of Go mirrors or of C user
   * space (see /tmp/team/go-c-interface.md). Analyse the Go files first when the set should be complete.
   */
  readonly goMirrors = new Set<string>();

  /** Per-rule levels (`ebpf.lint.severity`, `lint --severity`): applied with the suppression comments to every finding. */
  severityOverrides: SeverityOverrides = {};

  /** The running kernel's attach targets (core/analyze/kernel-facts.ts), for attach-target; unset: those rules stay quiet. */
  kernel?: KernelFacts;

  private parser(lang: SourceLanguage): Promise<Parser> {
    let p = this.parsers.get(lang);
    if (!p) {
      p = createParser(lang);
      this.parsers.set(lang, p);
    }
    return p;
  }

  private async extract<M>(lang: SourceLanguage, text: string, from: (tree: Tree) => M): Promise<M | null> {
    const tree = parseSource(await this.parser(lang), lang, text);
    if (!tree) return null;
    try {
      return from(tree);
    } finally {
      tree.delete();
    }
  }

  /** Learn the layouts of a C source's structs, for go-c-mismatch. */
  async learnC(text: string, file?: string): Promise<void> {
    const model = await this.extract('c', text, (tree) => extractCModel(tree, text));
    if (!model) return;
    if (file) await this.resolveC(file, model);
    this.learnCModel(model, file);
  }

  /** The same, from a model already extracted (the language server's, after `analyze`). */
  learnCModel(model: CFileModel, file = model.file): void {
    // by tag name, typedef name and typedef alias, each record laid out once (module-c-sources.ts)
    const entries = cStructLayouts(model, file);
    for (const e of entries) this.cStructs.set(e.name, e.layout);
    this.cIndex.addFile(file, entries); // with where each came from: a kernel header's structs never pair by bare name
  }

  private async resolveC(file: string, model: CFileModel): Promise<void> {
    model.file ??= path.resolve(file); // learnCModel records where its structs come from (an edited document replaces its own)
    model.headers = await this.cTypes.includedHeaders(file, model);
    model.btf = this.cTypes.btfFor(file, model);
  }

  /** Parse (incrementally for a known document), run the whole tree through `use`, and keep or free the tree. */
  private async withTree<T>(language: SourceLanguage, text: string, document: string | undefined, use: (tree: Tree, caches?: FragmentCaches) => T): Promise<T> {
    const parser = await this.parser(language);
    const prev = document ? this.documents.get(document) : undefined;
    // the edit is computed on the parsed texts: masking can change more than the typed span (c-macro-mask.ts)
    const parsed = parsedText(language, text);
    let old: Tree | undefined;
    if (prev && prev.language === language) {
      old = prev.tree;
      old.edit(incrementalEdit(prev.text, parsed));
    }
    const tree = parser.parse(parsed, old);
    if (!tree) throw new Error(`tree-sitter could not parse this ${language} document`);
    prev?.tree.delete();
    // a document keeps its extracted declarations too, unless it changed language
    const caches = prev && prev.language === language ? prev.caches : { c: new CModelCache(), go: new GoModelCache() };
    if (document) this.documents.set(document, { language, text: parsed, tree, caches });
    try {
      return use(tree, document ? caches : undefined);
    } finally {
      if (!document) tree.delete();
    }
  }

  /** Free what is kept for a closed document. */
  forget(document: string): void {
    this.documents.get(document)?.tree.delete();
    this.documents.delete(document);
  }

  async analyze(language: SourceLanguage, text: string, opts: AnalyzeOptions = {}): Promise<SourceAnalysis> {
    if (language === 'c') {
      // the unsafe-pattern rules read the tree after the headers are resolved: a copy (cheap, shared nodes) outlives the parse
      const [cModel, tree] = await this.withTree('c', text, opts.document, (t, caches) => [extractCModel(t, text, caches?.c), t.copy()] as const);
      try {
        if (opts.file) await this.resolveC(opts.file, cModel);
        const unsafe = runUnsafeRules({ root: tree.rootNode, source: text, model: cModel, kernel: this.kernel }, (id) => this.severityOverrides[id] !== 'off');
        return { language, cModel, findings: applyLintControls([...lintCModel(cModel, { goMirrors: this.goMirrors }), ...unsafe], text, this.severityOverrides) };
      } finally {
        tree.delete();
      }
    }
    const goModel = await this.withTree('go', text, opts.document, (tree, caches) => extractGoModel(tree, caches?.go));
    // the package's other files may declare the types this one uses, or use the ones it declares
    if (opts.file) await this.goPackages.resolve(opts.file, goModel);
    const { uses, sites } = resolveUses(goModel);
    const cIndex = opts.file ? this.cIndex.merged(await this.moduleC.of(path.resolve(opts.file))) : this.cIndex;
    const { findings, mirrors } = lintGoModel(goModel, uses, sites, cIndex, opts.file && path.resolve(opts.file));
    for (const m of mirrors) this.goMirrors.add(m);
    return { language, goModel, goUses: uses, findings: applyLintControls(findings, text, this.severityOverrides) };
  }
}
