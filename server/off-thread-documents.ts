/**
 * The large C documents of the server (large-documents.ts): analysed in the worker, never on the event loop. One
 * that provably hands nothing to the kernel (a vmlinux.h) gets its empty diagnostics at once and is parsed only when
 * a hover or a layout request on it needs its structs. Their structs are not learned for the Go comparisons while
 * they are edited (the worker's models stay in the worker): Go types see them as saved, through the workspace and
 * module scans.
 */
import { fileURLToPath } from 'node:url';
import type { CodeAction, CodeActionParams, CodeLens, Diagnostic, Hover, Position } from 'vscode-languageserver-protocol';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { StructLayoutResult } from '../core/lsp-ext';
import type { AnalyzerSettings, IncludeSearch } from './analysis-protocol';
import { handsNothingToTheKernel, IDLE_STOP_MS } from './large-documents';
import { OffThreadAnalyzer } from './off-thread-analyzer';

export interface OffThreadHost {
  publish(uri: string, version: number, diagnostics: Diagnostic[]): Promise<void>;
  setLenses(uri: string, lenses: CodeLens[]): void;
  /** The server analyzer's settings, for the worker's. */
  settings(): AnalyzerSettings;
  isCurrent(uri: string, version: number): boolean;
}

const fileOf = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined);

export class OffThreadDocuments {
  private readonly worker: OffThreadAnalyzer;
  /** The version the worker analysed (or is analysing) of each document; none yet for a deferred one. */
  private readonly analysed = new Map<string, { version: number; done: Promise<void> }>();
  /** The version of each document found to hand nothing to the kernel (no findings, no lenses, no fixes). */
  private readonly inert = new Map<string, number>();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(script: string, private readonly host: OffThreadHost) {
    this.worker = new OffThreadAnalyzer(script, () => this.analysed.clear());
  }

  has(uri: string): boolean {
    return this.worker.has(uri);
  }

  setIncludeSearch(search: IncludeSearch): void {
    this.worker.setIncludeSearch(search);
  }

  async validate(doc: TextDocument): Promise<void> {
    this.worker.adopt(doc.uri);
    this.inert.delete(doc.uri);
    if (handsNothingToTheKernel(doc.getText())) {
      this.inert.set(doc.uri, doc.version);
      this.host.setLenses(doc.uri, []);
      await this.host.publish(doc.uri, doc.version, []);
      return;
    }
    await this.analyse(doc, true); // again for a version analysed before: a save elsewhere can change its headers
  }

  /**
   * Analyse the document's current version in the worker, then publish what it found. A request on it reuses the
   * analysis of its version (`again`: a validation does not).
   */
  private analyse(doc: TextDocument, again = false): Promise<void> {
    const { uri, version } = doc;
    const known = this.analysed.get(uri);
    if (known?.version === version && !again) return known.done;
    const done = this.worker.request('analyze', { uri, version, text: doc.getText(), file: fileOf(uri), settings: this.host.settings() }).then(async (r) => {
      if (!r.analysed || !this.host.isCurrent(uri, version)) return;
      this.host.setLenses(uri, r.lenses);
      await this.host.publish(uri, version, r.diagnostics);
    }, (e: Error) => {
      if (this.analysed.get(uri)?.done === done) this.analysed.delete(uri); // the next request tries again
      throw e;
    });
    this.analysed.set(uri, { version, done });
    return done;
  }

  /** Lenses come with the analysis: wait for one in flight. A deferred document has none. */
  async lensesReady(doc: TextDocument): Promise<void> {
    const known = this.analysed.get(doc.uri);
    if (known?.version === doc.version) await known.done.catch(() => undefined);
  }

  async hover(doc: TextDocument, position: Position): Promise<Hover | null> {
    await this.analyse(doc);
    return this.settle(this.worker.request('hover', { uri: doc.uri, position }));
  }

  async codeActions(doc: TextDocument, params: CodeActionParams): Promise<CodeAction[]> {
    if (this.inert.get(doc.uri) === doc.version) return []; // no findings, so no fixes
    await this.analyse(doc);
    return this.worker.request('codeActions', { uri: doc.uri, params });
  }

  async structLayout(doc: TextDocument, name: string): Promise<StructLayoutResult> {
    await this.analyse(doc);
    return this.settle(this.worker.request('structLayout', { uri: doc.uri, name }));
  }

  /** After a request on a document: stop the worker once it sits idle holding inert documents alone. */
  private settle<T>(answer: Promise<T>): Promise<T> {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker.idle() && [...this.worker.held()].every((uri) => this.inert.has(uri))) this.worker.stop('idle, holding types-only documents');
    }, IDLE_STOP_MS);
    this.idleTimer.unref();
    return answer;
  }

  forget(uri: string): void {
    this.analysed.delete(uri);
    this.inert.delete(uri);
    this.worker.forget(uri);
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.worker.dispose();
  }
}
