import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerDebugging } from './debug';
import { startLanguageClient } from './language-client';
import { registerSetupPrivilegesCommand } from './setup-privileges-command';
import { registerStructLayoutCommand } from './struct-layout-command';
import { registerVerifierLogCommands } from './verifier-log-commands';
import { registerVerifyCommand } from './verify-command';
import { registerVerifyStatus } from './verify-status';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const verifierDiagnostics = vscode.languages.createDiagnosticCollection('ebpf-verifier');
  context.subscriptions.push(verifierDiagnostics);
  registerVerifyCommand(context, verifierDiagnostics);
  registerDebugging(context, verifierDiagnostics);
  registerSetupPrivilegesCommand(context);
  registerStructLayoutCommand(context, () => client);
  registerVerifierLogCommands(context);
  client = await startLanguageClient(context);
  registerVerifyStatus(context, client); // verify on save's progress and last verdict
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
