/**
 * An untrusted workspace (the runner's --untrusted): Debug This Log (its session may build the source) and Set Up
 * Privileged Verification (runs the CLI as root) refuse; the commands that only read stay: Open as Verifier Log,
 * Show Output.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { api, endDebugSessions, waitFor, workspaceFile } from '../support';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('workspace trust: the log and setup commands in an untrusted workspace', () => {
  after(async () => {
    await endDebugSessions();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Debug This Log starts no debug session', async function () {
    this.timeout(30_000);
    assert.equal(vscode.workspace.isTrusted, false, 'the runner must open the workspace untrusted');
    let started: string | undefined;
    const d = vscode.debug.onDidStartDebugSession((s) => { started = s.name; });
    try {
      const result = await vscode.commands.executeCommand('ebpf.debugThisLog', workspaceFile('null_deref.verifier.log'));
      assert.equal(result, undefined);
      await sleep(2000);
      assert.equal(started, undefined, `no session, yet '${started}' started`);
      assert.equal(vscode.debug.activeDebugSession, undefined);
    } finally {
      d.dispose();
    }
  });

  it('Set Up Privileged Verification refuses before explaining or installing anything', async () => {
    const terminals = vscode.window.terminals.length;
    assert.equal(await vscode.commands.executeCommand('ebpf.setupPrivileges'), 'untrusted');
    assert.equal(vscode.window.terminals.length, terminals, 'no terminal was opened');
  });

  it('Open as Verifier Log and Show Output still work', async () => {
    await vscode.commands.executeCommand('ebpf.openAsVerifierLog', workspaceFile('null_deref.verifier.log'));
    const editor = await waitFor('the log in an editor', () => vscode.window.activeTextEditor?.document.fileName.endsWith('null_deref.verifier.log') && vscode.window.activeTextEditor);
    assert.equal(editor.document.languageId, 'bpf-verifier-log');
    const { output } = await api();
    await vscode.commands.executeCommand('ebpf.showOutput');
    const text = await waitFor('the channel in the Output view', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && /eBPF Debugger/.test(decodeURIComponent(d.uri.toString())))?.getText(), 10_000);
    assert.equal(output.name, 'eBPF Debugger');
    assert.match(text, /\[info\] eBPF Debugger .*, untrusted workspace/);
  });
});
