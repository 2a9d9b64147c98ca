/**
 * Workspace trust (issue 16 point 8): in an untrusted workspace the lints, hovers and verifier-log documents work,
 * but nothing is built or loaded into the kernel: a repository opened from anywhere must not run its clang flags,
 * build scripts or programs. Commands that build or load ask requireTrust first; a status bar item says why they
 * are off; the language server learns the trust at start and when it is granted (ebpf/workspaceTrust).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { WORKSPACE_TRUST_NOTIFICATION, type WorkspaceTrustParams } from '../core/lsp-ext';

export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';
export const MANAGE_TRUST_ACTION = 'Manage Workspace Trust';

export const RESTRICTED_STATUS_TEXT = '$(shield) eBPF: restricted (untrusted workspace)';
export const RESTRICTED_STATUS_TOOLTIP = 'This workspace is not trusted: the eBPF lints, hovers, struct layouts and verifier-log documents work, ' +
  'but nothing is built or loaded into the kernel (verify on save, Verify Object, Verify Current File, debug sessions, privileged setup), ' +
  'and the workspace\'s ebpf.clang.path, ebpf.bpftool.path and ebpf.cflags are ignored. Click to manage workspace trust.';

/** The words requireTrust shows: exported for the tests. */
export function restrictedMessage(action: string): string {
  return `eBPF: ${action} builds and loads programs into the kernel; trust this workspace to allow it.`;
}

/**
 * What restricted mode tells the user, as shown: the status item (and whether it is showing, which the item cannot
 * say) and every warning requireTrust gave with its buttons. activate() returns it for the in-editor tests.
 */
export const restrictedUi: { status?: vscode.StatusBarItem; statusShown: boolean; warnings: { message: string; actions: string[] }[] } = {
  statusShown: false,
  warnings: [],
};

/**
 * Whether `action` (e.g. "Verify Object") may build or load now. In an untrusted workspace: no, and the user is told
 * why with a button to manage the trust. Call it first thing in every command that builds, verifies or loads.
 */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  restrictedUi.warnings.push({ message: restrictedMessage(action), actions: [MANAGE_TRUST_ACTION] });
  void vscode.window.showWarningMessage(restrictedMessage(action), MANAGE_TRUST_ACTION).then((choice) => {
    if (choice === MANAGE_TRUST_ACTION) void vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
  });
  return false;
}

/** The restricted status item while untrusted, and the server told when trust is granted (it never is revoked live). */
export function registerWorkspaceTrust(context: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.window.createStatusBarItem('ebpf.workspaceTrust', vscode.StatusBarAlignment.Left, 11);
  item.name = 'eBPF workspace trust';
  item.text = RESTRICTED_STATUS_TEXT;
  item.tooltip = RESTRICTED_STATUS_TOOLTIP;
  item.command = MANAGE_TRUST_COMMAND;
  restrictedUi.status = item;
  if (!vscode.workspace.isTrusted) {
    item.show();
    restrictedUi.statusShown = true;
  }
  context.subscriptions.push(item, vscode.workspace.onDidGrantWorkspaceTrust(() => {
    item.hide();
    restrictedUi.statusShown = false;
    void client.sendNotification(WORKSPACE_TRUST_NOTIFICATION, { trusted: true } satisfies WorkspaceTrustParams);
  }));
}
