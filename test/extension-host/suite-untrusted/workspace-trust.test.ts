/**
 * An untrusted workspace (the runner's --untrusted): the extension runs in restricted mode. Its lints work; nothing
 * is built or loaded (Verify Object refuses, verify on save stays off); the workspace's settings naming programs
 * or clang arguments are ignored (package.json capabilities.untrustedWorkspaces.restrictedConfigurations).
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { RESTRICTED_SETTINGS } from '../../../core/settings';
import { api, diagnosticsMatching, extension, openInEditor, waitFor, workspaceFile } from '../support';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('workspace trust: an untrusted workspace', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const s of RESTRICTED_SETTINGS) await vscode.workspace.getConfiguration().update(s.name, undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('is not trusted, and the extension is active in it (limited support)', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the runner must open the workspace untrusted');
    await waitFor('the extension to activate', () => extension().isActive, 30_000);
  });

  it('the lints still reach Problems', async () => {
    const editor = await openInEditor('padded_key.bpf.c');
    await diagnosticsMatching(editor.document.uri, /struct flow_key is the key of hash map 'flows'/, 60_000);
  });

  it('Verify Object refuses: no build, no verdict', async function () {
    this.timeout(60_000);
    const { verdicts } = await api();
    const before = verdicts.all().length;
    const report = await vscode.commands.executeCommand('ebpf.verifyObject', workspaceFile('null_deref.bpf.c'));
    assert.equal(report, undefined, 'nothing was verified');
    await sleep(2000);
    assert.equal(verdicts.all().length, before);
  });

  it('saving a .bpf.c verifies nothing (verify on save is off)', async function () {
    this.timeout(60_000);
    const { verdicts } = await api();
    // a file of this test's own: no other command has verified it
    const uri = workspaceFile('untrusted_save.bpf.c');
    writeFileSync(uri.fsPath, readFileSync(workspaceFile('null_deref.bpf.c').fsPath, 'utf8'));
    try {
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      await diagnosticsMatching(uri, /count may be NULL here/, 60_000); // the lint: the server is running
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// saved untrusted\n'));
      await editor.document.save();
      await sleep(5000);
      assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'eBPF verifier' || d.source === 'clang').map((d) => d.message), []);
      assert.deepEqual(verdicts.ofOrigin('save').map((v) => v.unit), []);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(uri.fsPath, { force: true });
    }
  });

  it('ignores the workspace\'s ebpf.clang.path, ebpf.bpftool.path and ebpf.cflags', async () => {
    const file = workspaceFile('.vscode/settings.json');
    let text = '{}';
    try {
      text = readFileSync(file.fsPath, 'utf8');
    } catch {
      // no workspace settings yet
    }
    const settings = { ...JSON.parse(text), 'ebpf.clang.path': '/hostile/clang', 'ebpf.bpftool.path': '/hostile/bpftool', 'ebpf.cflags': ['-fplugin=/hostile/p.so'], 'ebpf.defines': ['SEEN'] };
    writeFileSync(file.fsPath, JSON.stringify(settings));
    // an unrestricted one is read: the file was taken in
    await waitFor('the workspace settings read', () => (vscode.workspace.getConfiguration().get<string[]>('ebpf.defines') ?? []).includes('SEEN'));
    const config = vscode.workspace.getConfiguration();
    assert.equal(config.get('ebpf.clang.path'), 'clang');
    assert.equal(config.get('ebpf.bpftool.path'), 'bpftool');
    assert.deepEqual(config.get('ebpf.cflags'), []);
    writeFileSync(file.fsPath, text);
  });
});
