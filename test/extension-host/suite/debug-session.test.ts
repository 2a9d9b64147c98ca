/**
 * A debug session as the client runs it (client/debug.ts), in a real extension host with the real adapter and
 * kernel: its verdicts reach the store, a stop on a reject reveals Run and Debug, logs go to the workspace's storage,
 * a failed build's errors reach Problems, and "Debug This Log" replays through the `replayLog` attribute.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { adapterEvent, api, endDebugSessions, openInEditor, startDebugSession, waitFor, workspaceFile, type EbpfApi } from '../support';

describe('debug sessions in the editor', () => {
  let ebpf: EbpfApi;
  const folder = () => vscode.workspace.workspaceFolders![0];
  const src = () => workspaceFile('dbg_null.bpf.c').fsPath;
  const broken = () => workspaceFile('dbg_broken.bpf.c').fsPath;

  before(async () => {
    ebpf = await api();
    writeFileSync(src(), readFileSync(workspaceFile('null_deref.bpf.c').fsPath, 'utf8'));
  });
  afterEach(() => endDebugSessions());
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of [src(), broken()]) {
      ebpf.verdicts.clear('debug', f);
      rmSync(f, { force: true });
    }
  });

  it('a stop on a reject reveals Run and Debug, and the session\'s verdict is the store\'s (origin debug, kernel host)', async () => {
    await vscode.commands.executeCommand('workbench.view.explorer');
    const revealed = new Promise<vscode.DebugSession>((resolve) => {
      const sub = ebpf.debugging.onDidRevealRunAndDebug((s) => { sub.dispose(); resolve(s); });
    });
    const session = await startDebugSession({ name: 'dbg: null_deref', program: src() });
    const shown = await Promise.race([revealed, new Promise<null>((r) => setTimeout(() => r(null), 60_000))]);
    assert.equal(shown?.id, session.id, 'Run and Debug was revealed for this session\'s stop');
    const stop = await adapterEvent(session, 'stopped');
    assert.equal(stop?.body.description, 'Rejected');
    const entry = await waitFor('the session\'s verdict in the store', () => {
      const e = ebpf.verdicts.latest(src(), 'null_deref', 'host');
      return e?.origin === 'debug' && e;
    }, 10_000);
    assert.equal(entry.program.verdict, 'rejected');
    assert.equal(entry.report.source, src());
  });

  it('the session gets the workspace\'s storage and saves its full log there, per object', async () => {
    const session = await startDebugSession({ name: 'dbg: storage', program: src() });
    const storageDir = session.configuration.storageDir as string | undefined;
    assert.ok(storageDir && path.isAbsolute(storageDir), `storageDir set by the client: ${storageDir}`);
    const header = await adapterEvent(session, 'output', 60_000, (e) => /verifier log \(/.test(String(e.body.output)));
    const file = (header.body.source as { path?: string } | undefined)?.path ?? '';
    assert.ok(file.startsWith(path.join(storageDir, 'logs') + path.sep), `${file} under ${storageDir}`);
    assert.match(path.basename(path.dirname(file)), /^dbg_null\.bpf\.c-[0-9a-f]{12}$/);
    assert.ok(existsSync(file), 'the log was written');
  });

  it('a session whose build fails puts clang\'s error in Problems', async () => {
    writeFileSync(broken(), readFileSync(src(), 'utf8').replace('\t*count += 1;', '\t*count += not_declared_here;'));
    // the launch fails with clang's message (VS Code shows it in a dialog, which the test workbench refuses: an error here)
    const launched = await Promise.resolve(vscode.debug.startDebugging(folder(), { type: 'ebpf', request: 'launch', name: 'dbg: broken', program: broken() }))
      .then((ok) => String(ok), (e: Error) => e.message);
    assert.match(launched, /false|use of undeclared identifier 'not_declared_here'/);
    const clang = await waitFor('clang\'s error from the session', () => {
      const found = vscode.languages.getDiagnostics(vscode.Uri.file(broken())).filter((d) => /not_declared_here/.test(d.message));
      return found.length > 0 && found;
    }, 60_000);
    assert.equal(clang[0].range.start.line, readFileSync(broken(), 'utf8').split('\n').findIndex((l) => l.includes('not_declared_here')));
  });

  it('"Debug This Log" replays the saved log through the replayLog attribute and stops on its reject', async () => {
    await openInEditor('null_deref.verifier.log');
    await vscode.commands.executeCommand('ebpf.debugThisLog');
    const session = await waitFor('the replay session', () => vscode.debug.activeDebugSession, 30_000);
    assert.equal(typeof session.configuration.replayLog, 'string');
    assert.equal(session.configuration.ebpfReplayDir, undefined, 'no private attribute any more');
    const stop = await adapterEvent(session, 'stopped');
    assert.equal(stop.body.reason, 'exception');
    assert.equal(stop.body.description, 'Rejected');
  });
});
