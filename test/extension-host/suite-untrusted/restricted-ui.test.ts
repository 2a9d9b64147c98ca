/**
 * An untrusted workspace says why the build and load commands are off (issue 16 point 8): a status bar item while
 * restricted, whose click manages the trust, and a warning naming the refused command with a "Manage Workspace
 * Trust" button. Read through activate()'s restrictedUi: VS Code's API lists neither status items nor messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { api, workspaceFile } from '../support';

describe('workspace trust: the UI says why', () => {
  it('a status item shows while restricted: it says the workspace is untrusted, what is off, and opens the trust editor', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the runner must open the workspace untrusted');
    const { restrictedUi } = await api();
    const item = restrictedUi.status;
    assert.ok(item, 'the status item was created');
    assert.equal(restrictedUi.statusShown, true, 'and shown');
    assert.match(item.text, /eBPF: restricted \(untrusted workspace\)/);
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value ?? '';
    assert.match(tooltip, /not trusted/);
    assert.match(tooltip, /nothing is built or loaded into the kernel/);
    assert.match(tooltip, /ebpf\.clang\.path, ebpf\.bpftool\.path and ebpf\.cflags are ignored/);
    // a click runs a command VS Code has: the Workspace Trust editor
    assert.equal(typeof item.command === 'string' ? item.command : item.command?.command, 'workbench.trust.manage');
    assert.ok((await vscode.commands.getCommands(true)).includes('workbench.trust.manage'));
  });

  it('a refused command warns, naming it, with a button to manage the trust', async () => {
    const { restrictedUi } = await api();
    const before = restrictedUi.warnings.length;
    assert.equal(await vscode.commands.executeCommand('ebpf.verifyCurrentFile', workspaceFile('null_deref.bpf.c')), undefined);
    assert.equal(await vscode.commands.executeCommand('ebpf.verifyObject', workspaceFile('null_deref.bpf.c')), undefined);
    const given = restrictedUi.warnings.slice(before);
    assert.deepEqual(given.map((w) => w.message.match(/^eBPF: (.+?) builds and loads programs into the kernel; trust this workspace to allow it\.$/)?.[1]),
      ['Verify Current File', 'Verify Object']);
    assert.deepEqual(given.map((w) => w.actions), [['Manage Workspace Trust'], ['Manage Workspace Trust']]);
  });
});
