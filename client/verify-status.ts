/**
 * The status bar item for verify on save: progress while the server builds and verifies, then the last verdict
 * ("eBPF: 3 verified, 1 rejected · 240 ms"); a click opens Problems. The server reports through ebpf/verifyStatus.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { VERIFY_STATUS_NOTIFICATION, type VerifyStatusParams } from '../core/lsp-ext';
import { verifyStatusText } from './verify-status-text';

export function registerVerifyStatus(context: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.window.createStatusBarItem('ebpf.verifyStatus', vscode.StatusBarAlignment.Left, 10);
  item.name = 'eBPF verify on save';
  item.command = 'workbench.actions.view.problems';
  context.subscriptions.push(item, client.onNotification(VERIFY_STATUS_NOTIFICATION, (s: VerifyStatusParams) => {
    const { text, tooltip } = verifyStatusText(s);
    item.text = text;
    item.tooltip = tooltip;
    item.show();
  }));
}
