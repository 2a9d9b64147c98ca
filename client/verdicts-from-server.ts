/**
 * Verify on save's verdicts into the store (origin 'save'): the server publishes their Problems entries itself, and
 * tells the client each report (VERDICTS_NOTIFICATION) so a save that verifies a program supersedes the Verify
 * command's or a debug session's older reject of it.
 */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { HOST_KERNEL, VERDICTS_NOTIFICATION, type VerdictsEventBody } from '../core/editor-events';
import type { VerdictStore } from './verdict-store';

export function recordServerVerdicts(client: LanguageClient, store: VerdictStore): vscode.Disposable {
  return client.onNotification(VERDICTS_NOTIFICATION, (body: VerdictsEventBody) => {
    if (body?.report?.programs) store.record('save', body.report, body.kernel ?? HOST_KERNEL);
  });
}
