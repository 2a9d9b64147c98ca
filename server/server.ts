/** The eBPF language server: tree-sitter parsing of open C and Go documents, layout rules as diagnostics. */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SourceAnalyzer } from '../core/analyze/analyze-source';
import type { SourceLanguage } from '../core/source/tree-sitter';
import { toDiagnostic } from './diagnostics';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const analyzer = new SourceAnalyzer();
const pending = new Map<string, NodeJS.Timeout>();
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
    const analysis = await analyzer.analyze(lang, doc.getText());
    analysis.tree.delete(); // the WASM heap is ours to free
    if (documents.get(doc.uri)?.version !== version) return; // a newer edit is on its way
    await connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: analysis.findings.map((f) => toDiagnostic(f, doc.uri)) });
  } catch (e) {
    connection.console.error(`eBPF: analysing ${doc.uri} failed: ${(e as Error).stack ?? String(e)}`);
  }
}

function schedule(doc: TextDocument): void {
  clearTimeout(pending.get(doc.uri));
  pending.set(doc.uri, setTimeout(() => {
    pending.delete(doc.uri);
    void validate(doc);
  }, DEBOUNCE_MS));
}

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'ebpf-debugger' },
}));

documents.onDidOpen((e) => void validate(e.document));
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  clearTimeout(pending.get(e.document.uri));
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
