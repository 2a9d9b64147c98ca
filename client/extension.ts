import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerDebugging } from './debug';
import { registerHotLines } from './hot-lines';
import { startLanguageClient } from './language-client';
import { registerResultsView } from './results-view';
import { registerSetupPrivilegesCommand } from './setup-privileges-command';
import { registerStructLayoutCommand } from './struct-layout-command';
import { VerdictStore } from './verdict-store';
import { registerVerdictLens } from './verdict-lens';
import { registerVerifierLogCommands } from './verifier-log-commands';
import { registerVerifyCommand } from './verify-command';
import { registerVerifyStatus } from './verify-status';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext) {
  const verdicts = new VerdictStore();
  context.subscriptions.push(verdicts);
  // the results view, the verdict lenses and the hot lines all read the store
  const results = registerResultsView(context, verdicts);
  const verdictLens = registerVerdictLens(context, verdicts);
  const hotLines = registerHotLines(context, verdicts);
  const verifierDiagnostics = vscode.languages.createDiagnosticCollection('ebpf-verifier');
  context.subscriptions.push(verifierDiagnostics);
  registerVerifyCommand(context, verifierDiagnostics);
  registerDebugging(context, verifierDiagnostics);
  registerSetupPrivilegesCommand(context);
  registerStructLayoutCommand(context, () => client);
  registerVerifierLogCommands(context);
  client = await startLanguageClient(context);
  registerVerifyStatus(context, client); // verify on save's progress and last verdict
  // what the in-editor tests (test/extension-host) read; see /tmp/team/notes-api.md
  return { verdicts, results, verdictLens, hotLines };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
