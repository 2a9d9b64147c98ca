/**
 * The language server's features for verifier-log documents (`*.verifier.log`, `*.bpflog`, or any document the
 * client switched to the `bpf-verifier-log` language): links from `@ file:line` annotations and `GO_SYM:` lines to
 * the source, an outline of programs, subprograms, branches and the reject, folding, register hovers and the reject
 * as a diagnostic with its explanation.
 */
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { Diagnostic, DocumentLink, DocumentSymbol, FoldingRange, Hover, HoverParams, ServerCapabilities } from 'vscode-languageserver-protocol';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERIFIER_LOG_LANGUAGE } from '../core/lsp-ext';
import { registerHover } from './register-hover';
import { readVerifierLog, type LogBlock } from '../core/verifier-log/log-blocks';
import { logDiagnostics } from './verifier-log-diagnostics';
import { logLinks, SourceResolver } from './verifier-log-links';
import { logFolding, logOutline } from './verifier-log-outline';

/** The language id package.json contributes (syntaxes/bpf-verifier-log.tmLanguage.json). */

export const VERIFIER_LOG_CAPABILITIES: ServerCapabilities = {
  documentLinkProvider: { resolveProvider: false },
  documentSymbolProvider: true,
  foldingRangeProvider: true,
};

export const isVerifierLog = (doc: TextDocument) =>
  doc.languageId === VERIFIER_LOG_LANGUAGE || /\.(verifier\.log|bpflog)$/.test(doc.uri);

interface ReadLog { version: number; blocks: LogBlock[]; resolver: SourceResolver }

export interface VerifierLogFeatures {
  /** Whether the document is a verifier log this module answers for. */
  owns(uri: string): boolean;
  hover(p: HoverParams): Hover | null;
  /** Read every open log again (ebpf.symbolTags changed): its diagnostics now, links and outline when next asked. */
  refresh(): void;
}

/**
 * Register the log features on the connection. `publish` sends a log's diagnostics (merged like the lints');
 * `roots` are the workspace folders, where sources the log names by file name are looked for after its directory.
 */
export function registerVerifierLogFeatures(connection: Connection, documents: TextDocuments<TextDocument>,
  publish: (uri: string, version: number, diagnostics: Diagnostic[]) => void, roots: () => string[],
  symbolTags: () => readonly string[] = () => []): VerifierLogFeatures {
  const read = new Map<string, ReadLog>();
  const pending = new Map<string, NodeJS.Timeout>();

  /** The document's blocks at its current version, read once per version. */
  const logOf = (uri: string): ReadLog | undefined => {
    const doc = documents.get(uri);
    if (!doc || !isVerifierLog(doc)) return undefined;
    const known = read.get(uri);
    if (known?.version === doc.version) return known;
    const dir = uri.startsWith('file:') ? [path.dirname(fileURLToPath(uri))] : [];
    const log = { version: doc.version, blocks: readVerifierLog(doc.getText(), symbolTags().length > 0 ? [...symbolTags()] : undefined), resolver: known?.resolver ?? new SourceResolver([...dir, ...roots()]) };
    read.set(uri, log);
    return log;
  };
  const validate = (doc: TextDocument) => {
    const log = logOf(doc.uri);
    if (!log) return;
    try {
      publish(doc.uri, doc.version, logDiagnostics(log.blocks, doc.uri, log.resolver));
    } catch (e) {
      connection.console.error(`eBPF: reading the verifier log ${doc.uri} failed: ${(e as Error).stack ?? String(e)}`);
    }
  };
  const safely = <T>(what: string, uri: string, f: (log: ReadLog) => T, none: T): T => {
    const log = logOf(uri);
    if (!log) return none;
    try {
      return f(log);
    } catch (e) {
      connection.console.error(`eBPF: ${what} of ${uri} failed: ${(e as Error).stack ?? String(e)}`);
      return none;
    }
  };

  documents.onDidOpen((e) => validate(e.document));
  documents.onDidChangeContent((e) => {
    if (!isVerifierLog(e.document)) return;
    clearTimeout(pending.get(e.document.uri));
    pending.set(e.document.uri, setTimeout(() => {
      pending.delete(e.document.uri);
      const doc = documents.get(e.document.uri);
      if (doc) validate(doc);
    }, 200));
  });
  documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    read.delete(e.document.uri);
  });

  connection.onDocumentLinks((p): DocumentLink[] => safely('links', p.textDocument.uri, (log) => logLinks(log.blocks, log.resolver, symbolTags()), []));
  connection.onDocumentSymbol((p): DocumentSymbol[] => safely('the outline', p.textDocument.uri, (log) => logOutline(log.blocks, documents.get(p.textDocument.uri)!), []));
  connection.onFoldingRanges((p): FoldingRange[] => safely('folding', p.textDocument.uri, (log) => logFolding(log.blocks), []));

  return {
    refresh: () => {
      read.clear();
      for (const doc of documents.all()) if (isVerifierLog(doc)) validate(doc);
    },
    owns: (uri) => { const doc = documents.get(uri); return !!doc && isVerifierLog(doc); },
    hover: (p) => safely('the hover', p.textDocument.uri, (log) => {
      for (const b of log.blocks) {
        const h = registerHover(b.index, b.offset, p.position);
        if (h) return h;
      }
      return null;
    }, null),
  };
}
