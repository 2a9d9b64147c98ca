import os from 'node:os';
import * as vscode from 'vscode';
import { WRAPPER_PATH, wrapperInstalled } from '../core/loader/helper-client';
import { SUDOERS_FILE, setupCommandLine } from '../core/setup/privileged-setup';
import { ebpfOutput } from './output-channel';
import { requireTrust } from './workspace-trust';

/** "eBPF: Set Up Privileged Verification": explain, then (with consent) install through sudo in a terminal. */
export function registerSetupPrivilegesCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('ebpf.setupPrivileges', async () => {
    // the command line runs this extension's CLI as root: never on behalf of a workspace nobody vouched for
    if (!requireTrust('Set Up Privileged Verification')) return 'untrusted';
    if (process.getuid?.() === 0) {
      void vscode.window.showInformationMessage('eBPF: this editor runs as root, so programs are verified with all capabilities: no setup needed.');
      return 'root';
    }
    if (wrapperInstalled()) {
      void vscode.window.showInformationMessage(`eBPF: privileged verification is set up (${WRAPPER_PATH}).`);
      return 'installed';
    }
    const user = os.userInfo().username;
    const cli = context.asAbsolutePath('dist/cli.js');
    const command = setupCommandLine(process.execPath, cli, user);
    const choice = await vscode.window.showInformationMessage(
      'eBPF: verifying programs needs CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN.',
      {
        modal: true,
        detail: `This installs a root-owned copy of the loader helper with a wrapper at ${WRAPPER_PATH}, and a sudoers rule in `
          + `${SUDOERS_FILE} that lets ${user} run exactly that wrapper without a password. The helper then drops back to ${user} `
          + 'with only those three capabilities. It runs in a terminal with sudo:\n\n' + command,
      },
      'Install in a Terminal', 'Show the Script',
    );
    if (choice === 'Show the Script') {
      const doc = await vscode.workspace.openTextDocument({ language: 'shellscript', content: `# review, then run:\n${command}\n` });
      await vscode.window.showTextDocument(doc);
    } else if (choice === 'Install in a Terminal') {
      const terminal = vscode.window.createTerminal({ name: 'eBPF: privileged verification setup' });
      terminal.show();
      terminal.sendText(command);
      ebpfOutput().info(`privileged verification setup started in a terminal: ${command}`);
    }
    return choice ?? 'cancelled';
  }));
}
