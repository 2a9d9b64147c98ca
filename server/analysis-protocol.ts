/** Messages between the language server and its analysis worker (analysis-worker.ts): plain, structured-cloneable data. */
import type { CodeAction, CodeActionParams, CodeLens, Diagnostic, Hover, Position } from 'vscode-languageserver-protocol';
import type { SourceAnalyzer } from '../core/analyze/analyze-source';
import type { StructLayoutResult } from '../core/lsp-ext';
import type { SeverityOverrides } from '../core/rules/unsafe/lint-controls';

export type IncludeSearch = Parameters<SourceAnalyzer['setIncludeSearch']>[0];

/** What the server's analyzer knows that the C rules read: the worker's is set to it before each analysis. */
export interface AnalyzerSettings {
  /** C struct names some kernel-bound Go type mirrors (the C rules then speak of the Go mirror). */
  goMirrors: string[];
  severityOverrides: SeverityOverrides;
}

/** What the worker returns of a document's analysis; it keeps the analysis itself for the requests below. */
export interface OffThreadAnalysis {
  diagnostics: Diagnostic[];
  lenses: CodeLens[];
  /** False when a newer version of the document was already queued: this one was skipped. */
  analysed: boolean;
}

export interface WorkerRequests {
  analyze: { params: { uri: string; version: number; text: string; file?: string; settings: AnalyzerSettings }; result: OffThreadAnalysis };
  hover: { params: { uri: string; position: Position }; result: Hover | null };
  codeActions: { params: { uri: string; params: CodeActionParams }; result: CodeAction[] };
  structLayout: { params: { uri: string; name: string }; result: StructLayoutResult };
  forget: { params: { uri: string }; result: null };
  includeSearch: { params: IncludeSearch; result: null };
}

export type WorkerMethod = keyof WorkerRequests;

export interface WorkerRequest<M extends WorkerMethod = WorkerMethod> { id: number; method: M; params: WorkerRequests[M]['params'] }

export type WorkerMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
