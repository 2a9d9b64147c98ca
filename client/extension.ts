import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerDebugging } from './debug';
import { startLanguageClient } from './language-client';
import { registerSetupPrivilegesCommand } from './setup-privileges-command';
import { registerStructLayoutCommand } from './struct-layout-command';
import { registerVerifyCommand } from './verify-command';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const verifierDiagnostics = vscode.languages.createDiagnosticCollection('ebpf-verifier');
  context.subscriptions.push(verifierDiagnostics);
  registerVerifyCommand(context, verifierDiagnostics);
  registerDebugging(context, verifierDiagnostics);
  registerSetupPrivilegesCommand(context);
  registerStructLayoutCommand(context, () => client);
  client = await startLanguageClient(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
