/**
 * A code lens above each `SEC("...")` function of a C document with its last verdict ("verified · 42 insns",
 * "rejected: R0 invalid mem access ..."), one per kernel when it was verified on several; a click on a reject goes
 * to its line. The lenses come from verdict-lens-model.ts and change whenever the store does.
 */
import * as vscode from 'vscode';
import { OPEN_LOCATION_COMMAND } from './results-view';
import { verdictLenses } from './verdict-lens-model';
import type { VerdictStore } from './verdict-store';

export class VerdictLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: VerdictStore) {
    this.subscription = store.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file') return [];
    return verdictLenses(document.uri.fsPath, document.getText(), this.store.all()).map((lens) => {
      const range = document.lineAt(lens.line).range;
      return new vscode.CodeLens(range, {
        title: lens.title, tooltip: lens.tooltip,
        // an accepted verdict's lens is only text: there is nowhere to go
        command: lens.reveal ? OPEN_LOCATION_COMMAND : '',
        arguments: lens.reveal ? [lens.reveal] : undefined,
      });
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function registerVerdictLens(context: vscode.ExtensionContext, store: VerdictStore): VerdictLensProvider {
  const provider = new VerdictLensProvider(store);
  context.subscriptions.push(provider, vscode.languages.registerCodeLensProvider([{ language: 'c', scheme: 'file' }], provider));
  return provider;
}
