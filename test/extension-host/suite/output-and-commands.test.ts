/**
 * The "eBPF Debugger" output channel and the commands' menu arguments in a real extension host: Show Output reveals
 * the channel, at trace level a debug session's DAP traffic is in it, and each command a menu calls with a file's Uri
 * (explorer, editor title) acts on that file.
 */
import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { adapterEvents, api, endDebugSessions, EXTENSION_ID, openInEditor, positionOf, waitFor, workspaceFile, type EbpfApi } from '../support';

/** The channel's text as the Output view shows it: its document (scheme `output`) once the view has opened it. */
function channelText(): string | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && /eBPF Debugger/.test(decodeURIComponent(d.uri.toString())))?.getText();
}

const setLevel = (level: vscode.LogLevel) => vscode.commands.executeCommand('workbench.action.setDefaultLogLevel', level, EXTENSION_ID);

describe('output channel and command arguments', () => {
  let ebpf: EbpfApi;
  const pasted = () => workspaceFile('pasted-output.log');

  before(async () => {
    ebpf = await api();
  });
  after(async () => {
    await endDebugSessions();
    await setLevel(vscode.LogLevel.Info);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(pasted().fsPath, { force: true });
  });

  it('is one log channel named "eBPF Debugger" that "eBPF: Show Output" reveals', async () => {
    assert.equal(ebpf.output.name, 'eBPF Debugger');
    ebpf.output.info('output-and-commands: a line to find');
    await vscode.commands.executeCommand('ebpf.showOutput');
    const text = await waitFor('the eBPF Debugger channel in the Output view', () => channelText()?.includes('output-and-commands: a line to find') && channelText(), 10_000);
    assert.match(text, /\[info\] output-and-commands: a line to find/);
    // a bug report's first line: the build, the kernel and the editor
    const version = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { version: string }).version;
    assert.match(text, new RegExp(`\\[info\\] eBPF Debugger ${version.replace(/\./g, '\\.')}, kernel \\S+, .+ \\d+\\.\\d+\\.\\d+`));
  });

  it('at trace level, a debug session\'s requests and replies are in the channel, cut short', async function () {
    this.timeout(120_000);
    await setLevel(vscode.LogLevel.Trace);
    await waitFor('the channel at trace level', () => ebpf.output.logLevel === vscode.LogLevel.Trace, 10_000);
    const since = adapterEvents.length; // the support's tracker sees every session's events
    // Debug This Log with the explorer's Uri: a replay session, no kernel needed
    await vscode.commands.executeCommand('ebpf.debugThisLog', workspaceFile('null_deref.verifier.log'));
    await waitFor('the replay session\'s stop', () => adapterEvents.slice(since).some((e) => e.event === 'stopped'), 60_000);
    await vscode.commands.executeCommand('ebpf.showOutput');
    const text = await waitFor('the adapter\'s traffic in the channel', () => {
      const t = channelText();
      return t && /\[trace\] \[adapter [^\]]+\] ← event stopped/.test(t) && t;
    }, 30_000);
    assert.match(text, /\[trace\] \[adapter [^\]]+\] → request #1 initialize \{/);
    assert.match(text, /\[trace\] \[adapter [^\]]+\] ← response #1 initialize ok/);
    assert.match(text, /\[info\] debug session 'eBPF: replay null_deref\.verifier\.log' started/);
    const longest = Math.max(...text.split('\n').filter((l) => l.includes('[adapter ')).map((l) => l.length));
    assert.ok(longest < 600, `adapter trace lines are cut short (longest ${longest})`);
    await endDebugSessions();
  });

  it('Verify Current File with the editor title\'s Uri: the channel has the run, the helper\'s traffic at trace and the verdicts with the time', async function () {
    this.timeout(120_000);
    assert.equal(ebpf.output.logLevel, vscode.LogLevel.Trace, 'the previous test set trace level');
    const report = await vscode.commands.executeCommand<{ programs: { name: string; verdict: string }[] } | undefined>('ebpf.verifyCurrentFile', workspaceFile('null_deref.bpf.c'));
    assert.deepEqual(report?.programs.map((p) => [p.name, p.verdict]), [['null_deref', 'rejected']]);
    await vscode.commands.executeCommand('ebpf.showOutput');
    const text = await waitFor('the verify run in the channel', () => {
      const t = channelText();
      return t && /\[info\] verified null_deref\.bpf\.c in \d+ ms/.test(t) && t;
    }, 30_000);
    assert.match(text, /\[info\] verify \/.*\/null_deref\.bpf\.c\n/);
    assert.match(text, /\[trace\] \[helper\] → #\d+ verify \{"path":"[^"]+null_deref\.bpf\.o","program":"null_deref","logLevel":\d\}/);
    assert.match(text, /\[trace\] \[helper\] ← #\d+ verify result after [\d.]+ (bytes|KiB) of log in \d+ chunks?: \{"program":"null_deref"/);
    assert.match(text, /\[info\] verified null_deref\.bpf\.c in \d+ ms on [^:]+: 0 of 1 accepted; null_deref rejected \(R0 invalid mem access 'map_value_or_null'\) at null_deref\.bpf\.c:\d+/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Open as Verifier Log takes the explorer\'s Uri: that file opens in the verifier-log language', async () => {
    copyFileSync(workspaceFile('null_deref.verifier.log').fsPath, pasted().fsPath);
    await vscode.commands.executeCommand('ebpf.openAsVerifierLog', pasted());
    const editor = await waitFor('the log in an editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === pasted().fsPath && vscode.window.activeTextEditor);
    assert.equal(editor.document.languageId, 'bpf-verifier-log');
  });

  it('Show Struct Layout from the editor\'s context menu (which passes the document\'s Uri) shows the struct under the cursor', async () => {
    const editor = await openInEditor('padded_key.bpf.c');
    const at = positionOf(editor.document, 'struct flow_key {', 'struct '.length + 2);
    editor.selection = new vscode.Selection(at, at);
    const layout = await waitFor('the layout of struct flow_key', async () =>
      vscode.commands.executeCommand<{ name: string; size: number } | undefined>('ebpf.showStructLayout', editor.document.uri), 30_000);
    assert.deepEqual([layout.name, layout.size], ['struct flow_key', 24]);
  });
});
