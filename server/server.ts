/** The eBPF language server: tree-sitter parsing of open C and Go documents, layout rules as diagnostics. */
import { CodeActionKind, CodeLensRefreshRequest, createConnection, MessageType, ProposedFeatures, ShowMessageNotification, TextDocuments, TextDocumentSyncKind, type CodeLens, type Diagnostic, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SourceAnalyzer } from '../core/analyze/analyze-source';
import { readKernelFacts } from '../core/analyze/kernel-facts';
import type { SourceLanguage } from '../core/source/tree-sitter';
import { STRUCT_LAYOUT_REQUEST, type StructLayoutParams, type StructLayoutResult } from '../core/lsp-ext';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toDiagnostic } from './diagnostics';
import { findCSources } from '../core/analyze/workspace-files';
import type { DocumentAnalysis } from './layout-features';
import { quickFixes } from './code-actions';
import { HeaderLenses } from './header-lenses';
import { LARGE_DOCUMENT_CHARS } from './large-documents';
import { OffThreadDocuments } from './off-thread-documents';
import { VERIFY_STATUS_NOTIFICATION, WORKSPACE_TRUST_NOTIFICATION, type WorkspaceTrustParams } from '../core/lsp-ext';
import { VERDICTS_NOTIFICATION, type VerdictsEventBody } from '../core/editor-events';
import { PublishedDiagnostics } from './published-diagnostics';
import { VerifyOnSave } from './verify-on-save';
import { verifySettingsOf } from './verify-on-save-settings';
import { watchSettings } from './settings-watch';
import { LintExclusion } from './lint-exclusion';
import { preprocessorSearchFromSettings, type EbpfSettings } from '../core/settings-values';
import { mergeWithLintActions, savedCandidates, VerifiedFixes, verifierCodeActions } from './verify-on-save-fixes';
import { registerVerifierLogFeatures, VERIFIER_LOG_CAPABILITIES } from './verifier-log-features';

const connection = createConnection(ProposedFeatures.all);
/** Verify on save (issue 14): its diagnostics are merged with the lints' of the same document when published. */
const verifyOnSave = new VerifyOnSave({
  publish: (uris) => { for (const uri of uris) void published.publish(uri); },
  // a notification, not window/showMessageRequest: nothing to answer, and every editor supports it
  show: (kind, text) => void connection.sendNotification(ShowMessageNotification.type,
    { type: kind === 'error' ? MessageType.Error : kind === 'warning' ? MessageType.Warning : MessageType.Info, message: text }),
  log: (text) => connection.console.log(text),
  status: (s) => void connection.sendNotification(VERIFY_STATUS_NOTIFICATION, s),
  verdicts: (report) => void connection.sendNotification(VERDICTS_NOTIFICATION, { report } satisfies VerdictsEventBody), // the client's verdict store
  // the rejects' fixes are tried on a scratch copy in the background, so the light bulb can say which ones work
  rejected: (source) => {
    const c = verifierFixCandidates(pathToFileURL(source).href);
    if (c) void verifiedFixes.check(source, c.text, c.candidates);
  },
});
const verifiedFixes = new VerifiedFixes((source, text, program) => verifyOnSave.verifyScratch(source, text, program));
/** The lint fixes of the bugs the verifier refused in an open, saved document (verify-on-save-fixes.ts). */
function verifierFixCandidates(uri: string) {
  const doc = documents.get(uri);
  const a = analyses.get(uri);
  if (!doc || !a || !uri.startsWith('file:')) return undefined;
  let saved: string | undefined;
  try {
    saved = readFileSync(fileURLToPath(uri), 'utf8');
  } catch {
    return undefined;
  }
  return savedCandidates(uri, doc.getText(), saved, a.findings, verifyOnSave.diagnosticsFor(uri));
}
const published = new PublishedDiagnostics((p) => connection.sendDiagnostics(p), (uri) => verifyOnSave.diagnosticsFor(uri));
const documents = new TextDocuments(TextDocument);
const analyzer = new SourceAnalyzer();
analyzer.kernel = readKernelFacts() ?? undefined; // attach-target: the running kernel's hooks (its BTF read on first need)
const pending = new Map<string, NodeJS.Timeout>();
/** The latest analysis of each open document, for hovers, lenses, quick fixes and the layout request. */
const analyses = new Map<string, DocumentAnalysis>();
const DEBOUNCE_MS = 150;
/** ebpf.lint.exclude: these documents are analysed (hovers, lenses) but publish no lint diagnostics. */
const lintExclusion = new LintExclusion();
/** A C or Go document's lint diagnostics, none when ebpf.lint.exclude names it (both the in-process and the worker's analyses). */
const setLint = (uri: string, version: number, diagnostics: Diagnostic[]) => published.setLint(uri, version, lintExclusion.excludes(uri) ? [] : diagnostics);
/** ebpf.symbolTags: the `<TAG>_SYM:` lines verifier-log documents read (empty: every tag). */
let symbolTags: readonly string[] = [];
/** Large C documents: analysed in a worker thread (off-thread-documents.ts). */
const large = new OffThreadDocuments(path.join(__dirname, 'analysis-worker.js'), {
  publish: setLint,
  setLenses: (uri, now) => updateLenses(uri, now),
  settings: () => ({ goMirrors: [...analyzer.goMirrors], severityOverrides: analyzer.severityOverrides }),
  isCurrent: (uri, version) => documents.get(uri)?.version === version,
});

function languageOf(doc: TextDocument): SourceLanguage | undefined {
  if (doc.languageId === 'c' || doc.uri.endsWith('.c') || doc.uri.endsWith('.h')) return 'c';
  if (doc.languageId === 'go' || doc.uri.endsWith('.go')) return 'go';
  return undefined;
}

/** Open headers' lenses from their includers' maps (issue 16: the struct in ev.h, the map in prog.bpf.c). */
const headerLenses = new HeaderLenses({
  roots: () => workspaceRoots,
  analyses: () => analyses,
  analyze: async (file, text) => (await analyzer.analyze('c', text, { file })).cModel,
  maxChars: LARGE_DOCUMENT_CHARS,
  setLenses: (uri, now) => updateLenses(uri, now),
  log: (text) => connection.console.error(text),
});

async function validate(doc: TextDocument): Promise<void> {
  const lang = languageOf(doc);
  if (!lang) return;
  const version = doc.version;
  await settingsRead; // a document opened with the editor is not linted before its levels and exclusions are known
  try {
    if (lang === 'c' && doc.getText().length >= LARGE_DOCUMENT_CHARS) {
      if (!large.has(doc.uri)) forgetHere(doc.uri);
      return await large.validate(doc);
    }
    if (large.has(doc.uri)) large.forget(doc.uri); // it is small again: analysed here
    const file = doc.uri.startsWith('file:') ? fileURLToPath(doc.uri) : undefined;
    const analysis = await analyzer.analyze(lang, doc.getText(), { file, document: doc.uri });
    if (documents.get(doc.uri)?.version !== version) return; // a newer edit is on its way
    analyses.set(doc.uri, analysis);
    updateLenses(doc.uri, headerLenses.lensesNow(analysis, doc.uri));
    const look = headerLenses.look(analysis); // begun before the lints are published, so a lens request waits for it
    if (analysis.cModel) analyzer.learnCModel(analysis.cModel); // an edited C struct changes what Go types are compared with
    await setLint(doc.uri, version, analysis.findings.map((f) => toDiagnostic(f, doc.uri)));
    await look;
  } catch (e) {
    if (!documents.get(doc.uri)) return; // closed meanwhile (the worker stops with its last document)
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
function updateLenses(uri: string, now: CodeLens[]): void {
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
  const search = { workspaceHeaders: files.filter((f) => f.endsWith('.h')) };
  analyzer.setIncludeSearch(search);
  large.setIncludeSearch(search);
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
  rereadSettings = watchSettings(connection, configurationSupport, applySettings);
});

/** Settings known (or 2 s gone by without an answer: the defaults apply until one comes). */
let settingsKnown: () => void = () => undefined;
const settingsRead = new Promise<void>((resolve) => {
  settingsKnown = resolve;
  setTimeout(resolve, 2000).unref();
});

/** Every setting takes effect on the next lint or build; a change of what the lints see re-lints the open documents. */
function applySettings(s: EbpfSettings, was: EbpfSettings): void {
  settingsKnown();
  analyzer.severityOverrides = s.lintSeverity; // the worker reads it per analysis
  lintExclusion.configure(s.lintExclude, workspaceRoots, (m) => connection.console.warn(m));
  const search = { ...preprocessorSearchFromSettings(s, workspaceRoots[0]), clang: s.clang };
  analyzer.setIncludeSearch(search);
  large.setIncludeSearch(search);
  verifyOnSave.configure(verifySettingsOf(s));
  const same = (k: keyof EbpfSettings) => JSON.stringify(s[k]) === JSON.stringify(was[k]);
  symbolTags = s.symbolTags;
  if (!same('symbolTags')) logs.refresh();
  if (!['lintSeverity', 'lintExclude', 'includePaths', 'defines', 'cflags', 'clang'].every((k) => same(k as keyof EbpfSettings))) {
    for (const doc of documents.all()) if (languageOf(doc)) schedule(doc);
  }
}
let configurationSupport = { configuration: false, dynamicChange: false };
let rereadSettings = () => undefined as void;

let workspaceRoots: string[] = [];
const initializeResult: InitializeResult = {
  capabilities: {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } }, hoverProvider: true, codeLensProvider: { resolveProvider: false },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    ...VERIFIER_LOG_CAPABILITIES, // links, outline, folding of verifier-log documents
  },
  serverInfo: { name: 'ebpf-debugger' },
};

connection.onInitialize((params) => {
  const local = (uri: string) => (uri.startsWith('file:') ? [fileURLToPath(uri)] : []);
  workspaceRoots = (params.workspaceFolders ?? []).flatMap((f) => local(f.uri));
  if (workspaceRoots.length === 0 && params.rootUri) workspaceRoots = local(params.rootUri);
  lensRefreshSupported = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  // verify on save runs clang and loads programs: off when the client says the workspace is not trusted (ebpf/workspaceTrust updates it)
  verifyOnSave.trusted = (params.initializationOptions as { trusted?: unknown } | undefined)?.trusted !== false;
  verifyOnSave.workspaceRoots = workspaceRoots;
  configurationSupport = { configuration: params.capabilities.workspace?.configuration === true,
    dynamicChange: params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true };
  return initializeResult;
});


/** What the server keeps of a document analysed here, once it moved to the worker. */
function forgetHere(uri: string): void {
  analyses.delete(uri);
  analyzer.forget(uri);
}

/**
 * The open document, once its pending analysis is done (a hover can come right after an edit), and whether the
 * worker holds it; else its analysis here.
 */
async function analysisOf(uri: string): Promise<{ doc?: TextDocument; offThread: boolean; a?: DocumentAnalysis }> {
  const doc = documents.get(uri);
  if (doc && (pending.has(uri) || (!analyses.has(uri) && !large.has(uri)))) {
    clearTimeout(pending.get(uri));
    pending.delete(uri);
    await validate(doc);
  }
  if (doc && large.has(uri)) return { doc, offThread: true };
  return { doc, offThread: false, a: analyses.get(uri) };
}

/** Verifier-log documents (issue 16): their links, outline, folding, register hovers and reject diagnostic. */
const logs = registerVerifierLogFeatures(connection, documents, (uri, version, d) => void published.setLint(uri, version, d), () => workspaceRoots, () => symbolTags);
connection.onHover(async (p) => {
  if (logs.owns(p.textDocument.uri)) return logs.hover(p);
  const { doc, offThread, a } = await analysisOf(p.textDocument.uri);
  if (offThread) return large.hover(doc!, p.position);
  return a ? headerLenses.hover(a, p.position) : null;
});
connection.onCodeLens(async (p) => {
  const { doc, offThread } = await analysisOf(p.textDocument.uri);
  if (offThread) await large.lensesReady(doc!);
  await headerLenses.settled(); // a header's lenses from its includers
  return lenses.get(p.textDocument.uri)?.lenses ?? [];
});
connection.onCodeAction(async (p) => {
  const { doc, offThread, a } = await analysisOf(p.textDocument.uri);
  if (offThread) return large.codeActions(doc!, p);
  const lint = a ? quickFixes(p.textDocument.uri, a, p) : [];
  const c = verifierFixCandidates(p.textDocument.uri);
  return c ? mergeWithLintActions(lint, verifierCodeActions(p.textDocument.uri, c.text, c.candidates, verifiedFixes, p)) : lint;
});
connection.onRequest(STRUCT_LAYOUT_REQUEST, async (p: StructLayoutParams): Promise<StructLayoutResult> => {
  const { doc, offThread, a } = await analysisOf(p.uri);
  if (offThread) return large.structLayout(doc!, p.name);
  return a ? headerLenses.structLayout(a, p.name) : { error: `${p.uri} is not an open C or Go document` };
});

// an open fires both events: analyse once, at once (a second, debounced analysis of the same text is wasted work)
let opening: string | undefined;
documents.onDidOpen((e) => {
  opening = e.document.uri;
  void validate(e.document);
});
documents.onDidChangeContent((e) => {
  if (opening === e.document.uri) {
    opening = undefined;
    return;
  }
  schedule(e.document);
});
// a saved file is what the other documents read: a Go file of their package, a header, a C struct Go types mirror
documents.onDidSave((e) => {
  if (e.document.uri.startsWith('file:')) verifyOnSave.onSave(fileURLToPath(e.document.uri));
  for (const doc of documents.all()) if (doc.uri !== e.document.uri && languageOf(doc)) schedule(doc);
});
documents.onDidClose((e) => {
  clearTimeout(pending.get(e.document.uri));
  analyses.delete(e.document.uri);
  lenses.delete(e.document.uri);
  analyzer.forget(e.document.uri);
  large.forget(e.document.uri);
  void published.dropLint(e.document.uri);
  if (e.document.uri.startsWith('file:')) verifiedFixes.forget(fileURLToPath(e.document.uri)); // its fixes' verdicts
});

connection.onNotification(WORKSPACE_TRUST_NOTIFICATION, (p: WorkspaceTrustParams) => {
  verifyOnSave.trusted = p.trusted === true;
  verifyOnSave.configure(verifyOnSave.settings); // distrusted: its diagnostics go
  rereadSettings(); // the restricted settings' workspace values apply only when trusted
});
connection.onShutdown(() => verifyOnSave.close());
documents.listen(connection);
connection.listen();
