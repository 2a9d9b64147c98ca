/**
 * Problems entries that belong to their source (issue 16 point 1): one collection per origin ('ebpf-verify' for the
 * Verify commands, 'ebpf-debug' for debug sessions), each recomputed from the verdict store whenever it changes.
 * A replayed log (Debug This Log) records no verdict: an old log says nothing of the object as it is now. A debug session or another file never clears the Verify command's rejects; a reject goes
 * when its program is verified again by any origin. Verify on save's rejects stay the language client's (the server
 * publishes them); its reports reach the store too, so a save supersedes an older Verify reject of the same program.
 */
import * as vscode from 'vscode';
import type { ClangDiagnostic } from '../core/build/clang';
import type { VerdictOrigin } from '../core/editor-events';
import { SourceLines } from '../core/verify/reject-shape';
import { demoteLintDuplicates, rejectPlaces, type RejectPlace } from './lint-under-reject';
import { byFile, shownRejects, type ShownReject } from './verdict-selection';
import type { VerdictStore } from './verdict-store';
import { clangDiagnostics, rejectDiagnostic, VERIFIER_SOURCE } from './verifier-diagnostics';

/** The origins whose Problems entries the client publishes; 'save' is the language server's, 'log' is never recorded. */
export type ClientOrigin = Exclude<VerdictOrigin, 'save' | 'log'>;
export const COLLECTION_NAMES: Record<ClientOrigin, string> = { verify: 'ebpf-verify', debug: 'ebpf-debug' };

interface BuildFailure { diagnostics: readonly ClangDiagnostic[]; message?: string }

const severitiesOf = (diagnostics: readonly vscode.Diagnostic[]) => diagnostics.map((d) => d.severity).join();

export class VerdictDiagnostics implements vscode.Disposable {
  private readonly collections = new Map<ClientOrigin, vscode.DiagnosticCollection>();
  /** Per origin, per unit: the last failed build's clang errors, until that unit builds again. */
  private readonly failedBuilds = new Map<ClientOrigin, Map<string, BuildFailure>>();
  private shown = new Map<ClientOrigin, ShownReject[]>();
  /** Per document with rejects of ours, what the language server's verifier entries were at the last refresh. */
  private serverSeen = new Map<string, string>();
  /** Per document, what the language server last published (before fromServer demoted its lint duplicates). */
  private readonly serverPublished = new Map<string, { uri: vscode.Uri; diagnostics: readonly vscode.Diagnostic[]; severities: string }>();
  private readonly subscriptions: vscode.Disposable[];

  /**
   * `server`: the language client's collection (verify on save's entries). A reject it shows word for word at the
   * same line is not shown twice: verify on save found it, then Verify Object again.
   */
  constructor(private readonly store: VerdictStore, private readonly server: () => vscode.DiagnosticCollection | undefined = () => undefined) {
    for (const origin of Object.keys(COLLECTION_NAMES) as ClientOrigin[]) {
      this.collections.set(origin, vscode.languages.createDiagnosticCollection(COLLECTION_NAMES[origin]));
    }
    this.subscriptions = [
      store.onDidChange((change) => {
        // a verdict means the unit built again, whichever origin built it: its older build errors are stale
        for (const unit of change.units) for (const builds of this.failedBuilds.values()) builds.delete(unit);
        this.refresh();
      }),
      // the server's entry gone (a save that no longer builds, verify on save turned off): ours shows again
      vscode.languages.onDidChangeDiagnostics((e) => {
        // only documents with rejects of ours matter (and so our own publishing never calls this again)
        if (e.uris.some((uri) => { const seen = this.serverSeen.get(uri.toString()); return seen !== undefined && seen !== this.serverSignature(uri); })) this.refresh();
      }),
    ];
  }

  private serverVerifier(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return (this.server()?.get(uri) ?? []).filter((d) => d.source === VERIFIER_SOURCE);
  }

  private serverSignature(uri: vscode.Uri): string {
    return JSON.stringify(this.serverVerifier(uri).map((d) => [d.range.start.line, d.message]));
  }

  /**
   * A build of `unit` (absolute) by `origin` failed: its clang errors replace that origin's entries of the unit (its
   * verdicts describe an older text) until the unit builds again.
   */
  buildFailed(origin: VerdictOrigin, unit: string, diagnostics: readonly ClangDiagnostic[], message?: string): void {
    if (origin === 'save' || origin === 'log') return; // the language server publishes verify on save's; a replay's build is its debug session's
    this.store.clear(origin, unit);
    const builds = this.failedBuilds.get(origin) ?? new Map<string, BuildFailure>();
    builds.set(unit, { diagnostics, message });
    this.failedBuilds.set(origin, builds);
    this.refresh();
  }

  /** The rejects an origin's collection shows now, oldest first, each with its shape (file, range, message). */
  rejects(origin: ClientOrigin): readonly ShownReject[] {
    return this.shown.get(origin) ?? [];
  }

  /**
   * The language server's diagnostics of `uri` as Problems shows them (the language client's middleware): a lint
   * that names the bug of a reject shown at its line is a hint while the reject is shown (lint-under-reject.ts).
   */
  fromServer(uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
    const shown = [...demoteLintDuplicates(diagnostics, this.rejectsAt(uri, diagnostics))];
    if (diagnostics.length === 0) this.serverPublished.delete(uri.toString());
    else this.serverPublished.set(uri.toString(), { uri, diagnostics, severities: severitiesOf(shown) });
    return shown;
  }

  /** The rejects shown in `uri`: ours (every origin's, also those the server's entry stands for) and the server's. */
  private rejectsAt(uri: vscode.Uri, server: readonly vscode.Diagnostic[]): RejectPlace[] {
    const ours = [...this.shown.values()].flat().filter((s) => s.shape.file === uri.fsPath)
      .map((s) => ({ line: s.shape.range.start.line, code: s.shape.code }));
    return [...ours, ...rejectPlaces(server)];
  }

  /** The server's last diagnostics again where a reject came or went: its lint duplicates demoted, or back. */
  private republishServer(): void {
    const collection = this.server();
    if (!collection) return;
    for (const [key, published] of this.serverPublished) {
      const shown = demoteLintDuplicates(published.diagnostics, this.rejectsAt(published.uri, published.diagnostics));
      const severities = severitiesOf(shown);
      if (severities === published.severities) continue;
      this.serverPublished.set(key, { ...published, severities });
      collection.set(published.uri, [...shown]);
    }
  }

  /** What the client's collections publish for a document now. */
  published(uri: vscode.Uri): vscode.Diagnostic[] {
    return [...this.collections.values()].flatMap((c) => [...(c.get(uri) ?? [])]);
  }

  private refresh(): void {
    const lines = new SourceLines(); // read afresh: the files may have changed since the last verdict
    const all = this.store.all();
    this.serverSeen.clear();
    for (const [origin, collection] of this.collections) {
      const shown = shownRejects(all, origin, lines);
      this.shown.set(origin, shown);
      const next = new Map<string, vscode.Diagnostic[]>();
      for (const [file, list] of byFile(shown)) {
        const uri = vscode.Uri.file(file);
        this.serverSeen.set(uri.toString(), this.serverSignature(uri));
        const server = this.serverVerifier(uri);
        const own = list.filter((s) => !server.some((d) => d.range.start.line === s.shape.range.start.line && d.message === s.shape.message));
        if (own.length > 0) next.set(file, own.map((s) => rejectDiagnostic(s.shape)));
      }
      for (const [unit, failure] of this.failedBuilds.get(origin) ?? []) {
        for (const [file, list] of clangDiagnostics(unit, failure.diagnostics, failure.message)) next.set(file, [...(next.get(file) ?? []), ...list]);
      }
      collection.clear();
      collection.set([...next].map(([file, list]) => [vscode.Uri.file(file), list]));
    }
    this.republishServer();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const c of this.collections.values()) c.dispose();
  }
}
