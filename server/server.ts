/** The eBPF language server: tree-sitter parsing of open C and Go documents, layout rules as diagnostics. */
import { CodeActionKind, CodeLensRefreshRequest, createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type CodeLens, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SourceAnalyzer } from '../core/analyze/analyze-source';
import { readKernelFacts } from '../core/analyze/kernel-facts';
import type { SourceLanguage } from '../core/source/tree-sitter';
import { STRUCT_LAYOUT_REQUEST, type StructLayoutParams, type StructLayoutResult } from '../core/lsp-ext';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toDiagnostic } from './diagnostics';
import { findCSources } from '../core/analyze/workspace-files';
import { layoutHover, layoutLenses, structLayoutOf, type DocumentAnalysis } from './layout-features';
import { quickFixes } from './code-actions';
import { watchLintSettings } from './lint-settings';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const analyzer = new SourceAnalyzer();
analyzer.kernel = readKernelFacts() ?? undefined; // attach-target: the running kernel's hooks (its BTF read on first need)
const pending = new Map<string, NodeJS.Timeout>();
/** The latest analysis of each open document, for hovers, lenses, quick fixes and the layout request. */
const analyses = new Map<string, DocumentAnalysis>();
const DEBOUNCE_MS = 150;

function languageOf(doc: TextDocument): SourceLanguage | undefined {
  if (doc.languageId === 'c' || doc.uri.endsWith('.c') || doc.uri.endsWith('.h')) return 'c';
  if (doc.languageId === 'go' || doc.uri.endsWith('.go')) return 'go';
  return undefined;
}

async function validate(doc: TextDocument): Promise<void> {
  const lang = languageOf(doc);
  if (!lang) return;
  const version = doc.version;
  try {
    const file = doc.uri.startsWith('file:') ? fileURLToPath(doc.uri) : undefined;
    const analysis = await analyzer.analyze(lang, doc.getText(), { file, document: doc.uri });
    if (documents.get(doc.uri)?.version !== version) return; // a newer edit is on its way
    analyses.set(doc.uri, analysis);
    updateLenses(doc.uri, analysis);
    if (analysis.cModel) analyzer.learnCModel(analysis.cModel); // an edited C struct changes what Go types are compared with
    await connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: analysis.findings.map((f) => toDiagnostic(f, doc.uri)) });
  } catch (e) {
    connection.console.error(`eBPF: analysing ${doc.uri} failed: ${(e as Error).stack ?? String(e)}`);
  }
}

/**
 * Each document's code lenses, computed once per analysis: the lens request answers with them. When they changed,
 * ask the editor to fetch them again. It asks on its own when a document opens or changes, but that request can come
 * before the analysis it needs, or be dropped while the editor is busy: a lens then stays missing until the next edit.
 */
let lensRefreshSupported = false;
const lenses = new Map<string, { summary: string; lenses: CodeLens[] }>();
function updateLenses(uri: string, analysis: DocumentAnalysis): void {
  const now = layoutLenses(analysis, uri);
  const summary = JSON.stringify(now.map((l) => [l.range.start, l.command?.title]));
  const changed = lenses.get(uri)?.summary !== summary;
  lenses.set(uri, { summary, lenses: now });
  if (changed && lensRefreshSupported) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
}

function schedule(doc: TextDocument): void {
  clearTimeout(pending.get(doc.uri));
  pending.set(doc.uri, setTimeout(() => {
    pending.delete(doc.uri);
    void validate(doc);
  }, DEBOUNCE_MS));
}

/** C sources of the workspace, so Go types can be compared with the C structs they mirror (go-c-mismatch). */
async function learnWorkspaceC(roots: string[]): Promise<void> {
  const files = findCSources(roots, 2000);
  analyzer.setIncludeSearch({ workspaceHeaders: files.filter((f) => f.endsWith('.h')) });
  for (const f of files) {
    try {
      await analyzer.learnC(readFileSync(f, 'utf8'), f);
    } catch (e) {
      connection.console.warn(`eBPF: skipped ${f}: ${(e as Error).message}`);
    }
  }
  // Go types are compared with the C structs just learned; C documents may include the headers just found
  for (const doc of documents.all()) void validate(doc);
}

connection.onInitialized(() => {
  void learnWorkspaceC(workspaceRoots);
  // ebpf.lint.severity: per-rule levels; a change re-lints the open documents
  watchLintSettings(connection, lintSettingsSupport, (overrides) => {
    analyzer.severityOverrides = overrides;
    for (const doc of documents.all()) schedule(doc);
  });
});
let lintSettingsSupport = { configuration: false, dynamicChange: false };

let workspaceRoots: string[] = [];
const initializeResult: InitializeResult = {
  capabilities: {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } }, hoverProvider: true, codeLensProvider: { resolveProvider: false },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  },
  serverInfo: { name: 'ebpf-debugger' },
};

connection.onInitialize((params) => {
  const local = (uri: string) => (uri.startsWith('file:') ? [fileURLToPath(uri)] : []);
  workspaceRoots = (params.workspaceFolders ?? []).flatMap((f) => local(f.uri));
  if (workspaceRoots.length === 0 && params.rootUri) workspaceRoots = local(params.rootUri);
  lensRefreshSupported = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  lintSettingsSupport = { configuration: params.capabilities.workspace?.configuration === true,
    dynamicChange: params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true };
  return initializeResult;
});


/** The document's analysis once its pending one is done (a hover can come right after an edit). */
async function analysisOf(uri: string): Promise<DocumentAnalysis | undefined> {
  const doc = documents.get(uri);
  if (doc && (pending.has(uri) || !analyses.has(uri))) {
    clearTimeout(pending.get(uri));
    pending.delete(uri);
    await validate(doc);
  }
  return analyses.get(uri);
}

connection.onHover(async (p) => {
  const a = await analysisOf(p.textDocument.uri);
  return a ? layoutHover(a, p.position) : null;
});
connection.onCodeLens(async (p) => {
  await analysisOf(p.textDocument.uri);
  return lenses.get(p.textDocument.uri)?.lenses ?? [];
});
connection.onCodeAction(async (p) => {
  const a = await analysisOf(p.textDocument.uri);
  return a ? quickFixes(p.textDocument.uri, a, p) : [];
});
connection.onRequest(STRUCT_LAYOUT_REQUEST, async (p: StructLayoutParams): Promise<StructLayoutResult> => {
  const a = await analysisOf(p.uri);
  return a ? structLayoutOf(a, p.name) : { error: `${p.uri} is not an open C or Go document` };
});

documents.onDidOpen((e) => void validate(e.document));
documents.onDidChangeContent((e) => schedule(e.document));
// a saved file is what the other documents read: a Go file of their package, a header, a C struct Go types mirror
documents.onDidSave((e) => {
  for (const doc of documents.all()) if (doc.uri !== e.document.uri && languageOf(doc)) schedule(doc);
});
documents.onDidClose((e) => {
  clearTimeout(pending.get(e.document.uri));
  analyses.delete(e.document.uri);
  lenses.delete(e.document.uri);
  analyzer.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
