/**
 * The server publishes one set of diagnostics per document: the lints' (kept here per document with the version they
 * describe) merged at publish time with verify on save's (kept in its own store, verify-on-save.ts).
 */
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export class PublishedDiagnostics {
  private lint = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();

  constructor(private readonly send: (p: PublishDiagnosticsParams) => Promise<void>,
    private readonly others: (uri: string) => Diagnostic[]) {}

  /** A document's lint diagnostics changed. */
  setLint(uri: string, version: number | undefined, diagnostics: Diagnostic[]): Promise<void> {
    this.lint.set(uri, { version, diagnostics });
    return this.publish(uri);
  }

  /** A document closed: its lints go, the verifier's verdict on the file stays (it describes the file on disk). */
  dropLint(uri: string): Promise<void> {
    this.lint.delete(uri);
    return this.send({ uri, diagnostics: this.others(uri) });
  }

  publish(uri: string): Promise<void> {
    const l = this.lint.get(uri);
    return this.send({ uri, version: l?.version, diagnostics: [...(l?.diagnostics ?? []), ...this.others(uri)] });
  }
}
