/**
 * Problems entries that belong to their source (issue 16 point 1), in a real extension host with the real kernel:
 * "eBPF: Verify Object" on two files keeps both rejects; a debug session neither clears nor duplicates them, before
 * or after it stops; a fix saved (verify on save) clears the stale Verify reject; each carries the explanation, the
 * causal path in order, a hover and the lint's fix; the first reject is opened and selected.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ObjectReport } from '../../../core/verify/report';
import { adapterEvent, api, endDebugSessions, hoverText, openInEditor, startDebugSession, waitFor, workspaceFile, type EbpfApi } from '../support';

const VERIFIER = 'eBPF verifier';
const lineOf = (file: string, needle: string) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)); // 0-based
const verifierDiagnostics = (file: string) => vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === VERIFIER);

describe('verifier diagnostics per origin', () => {
  let ebpf: EbpfApi;
  /** Copies of the examples of this suite's own: other suites' files and verdicts are not touched. */
  const nullDeref = () => workspaceFile('diag_null.bpf.c').fsPath;
  const packetBounds = () => workspaceFile('diag_packet.bpf.c').fsPath;
  const broken = () => workspaceFile('diag_broken.bpf.c').fsPath;
  const verify = async (file: string) => {
    const report = await vscode.commands.executeCommand<ObjectReport | undefined>('ebpf.verifyObject', vscode.Uri.file(file));
    assert.ok(report, `Verify Object gave a report for ${path.basename(file)}`);
    return report;
  };

  before(async () => {
    ebpf = await api();
    copyFileSync(workspaceFile('null_deref.bpf.c').fsPath, nullDeref());
    copyFileSync(workspaceFile('packet_bounds.bpf.c').fsPath, packetBounds());
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of [nullDeref(), packetBounds(), broken()]) {
      ebpf.verdicts.clear('verify', f);
      ebpf.verdicts.clear('save', f);
      ebpf.verdicts.clear('debug', f);
      rmSync(f, { force: true });
    }
  });

  it('Verify Object on a second file keeps the first file\'s reject; each carries the explanation and fix', async () => {
    await verify(nullDeref());
    await verify(packetBounds());
    const [a] = verifierDiagnostics(nullDeref());
    const [b] = verifierDiagnostics(packetBounds());
    assert.ok(a, 'the first file\'s reject is still in Problems');
    assert.ok(b, 'the second file\'s reject');
    assert.equal(a.range.start.line, lineOf(nullDeref(), '*count += 1'));
    assert.match(a.message, /^null_deref: R\d+ invalid mem access 'map_value_or_null'\nPossible NULL dereference\. Test it first/);
    assert.equal(a.code, 'null-deref');
    assert.equal(a.severity, vscode.DiagnosticSeverity.Error);
    assert.match(b.message, /^packet_bounds: invalid access to packet[\s\S]*\nPacket access without a bounds check\./);
    // the causal path, origin first: the lookup that made R0 map_value_or_null
    const related = a.relatedInformation ?? [];
    assert.ok(related.length > 0, 'the failing path as related information');
    assert.match(related[0].message, /^origin: R0 = map_value_or_null .*bpf_map_lookup_elem/);
    assert.equal(related[0].location.range.start.line, lineOf(nullDeref(), '= bpf_map_lookup_elem('));
    assert.equal(related[0].location.uri.fsPath, nullDeref());
  });

  it('after Verify Object the first reject is open with its range selected', async () => {
    await verify(nullDeref());
    const editor = await waitFor('the reject\'s document in the active editor', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.fsPath === nullDeref() && e;
    }, 10_000);
    const [d] = verifierDiagnostics(nullDeref());
    assert.ok(editor.selection.isEqual(d.range), `selection ${JSON.stringify(editor.selection)} is the reject's range ${JSON.stringify(d.range)}`);
    assert.ok(editor.selection.active.isEqual(d.range.start), 'the cursor is at the start of the reject, where the view scrolls');
    assert.ok(editor.visibleRanges.some((r) => r.contains(d.range.start)), 'revealed');
  });

  it('a hover on the reject\'s line shows the explanation, the fix and the failing path', async () => {
    const [d] = verifierDiagnostics(nullDeref());
    const text = await hoverText(vscode.Uri.file(nullDeref()), d.range.start);
    assert.match(text, /null_deref.*rejected/);
    assert.match(text, /The pointer came from a helper that can fail/);
    assert.match(text, /Fix:.*Test it first/);
    const lookup = lineOf(nullDeref(), '= bpf_map_lookup_elem(') + 1;
    // each step a link that opens its line
    assert.match(text, new RegExp(`Failing path:[\\s\\S]*\\[diag\\\\?_null\\.bpf\\.c:${lookup}\\]\\(file://\\S+/diag_null\\.bpf\\.c#L${lookup}\\) origin: R0 = map\\\\?_value`));
  });

  it('the reject offers the lint\'s fix of the same bug, tied to the reject', async () => {
    const editor = await openInEditor('diag_null.bpf.c');
    const [d] = verifierDiagnostics(nullDeref());
    const context: vscode.CodeActionContext = { diagnostics: [d], only: vscode.CodeActionKind.QuickFix, triggerKind: vscode.CodeActionTriggerKind.Invoke };
    // the lint (the server's null-check) must have analysed the file first
    const actions = await waitFor('a quick fix for the reject', async () => {
      const got = await ebpf.verdictFixes.provideCodeActions(editor.document, d.range, context, new vscode.CancellationTokenSource().token);
      return got.length > 0 && got;
    }, 30_000);
    const fix = actions.find((a) => a.title === 'Return early when count is NULL');
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.deepEqual(fix.diagnostics, [d], 'tied to the reject, so Problems offers it on the reject');
    const edits = fix.edit!.get(editor.document.uri);
    assert.ok(edits.some((e) => /if \(!count\)/.test(e.newText)), JSON.stringify(edits));
    // and VS Code's own request at the reject's range (the light bulb, Problems) gets it
    const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, d.range, vscode.CodeActionKind.QuickFix.value);
    assert.ok(all.some((a) => a.title === fix.title), JSON.stringify(all.map((a) => a.title)));
  });

  it('the lint of the same bug on the reject\'s line is a hint while the reject is shown (Problems lists the reject alone), then back', async () => {
    const uri = vscode.Uri.file(nullDeref());
    const line = lineOf(nullDeref(), '*count += 1');
    const code = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);
    const lintAt = () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'ebpf' && code(d) === 'null-check' && d.range.start.line === line);
    const inProblems = (d: vscode.Diagnostic | undefined) => d !== undefined && d.severity !== vscode.DiagnosticSeverity.Hint;
    ebpf.verdicts.clear('verify', nullDeref());
    const alone = await waitFor('the lint at its own severity, no reject shown', () => inProblems(lintAt()) && lintAt(), 30_000);
    assert.match(alone.message, /count may be NULL here/);
    await verify(nullDeref());
    const hint = await waitFor('the lint as a hint under the reject', () => lintAt()?.severity === vscode.DiagnosticSeverity.Hint && lintAt(), 10_000);
    assert.equal(hint.message, alone.message, 'the same lint, its message kept for the editor\'s hover');
    const shown = vscode.languages.getDiagnostics(uri).filter((d) => d.range.start.line === line && d.severity !== vscode.DiagnosticSeverity.Hint);
    assert.deepEqual(shown.map((d) => d.source), [VERIFIER], 'at the reject\'s line Problems has the reject alone');
    // a later analysis of the server (an edit) keeps it a hint: the middleware demotes what the server publishes
    const editor = await openInEditor('diag_null.bpf.c');
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// edited\n'));
    await waitFor('the lint on the moved line', () => vscode.languages.getDiagnostics(uri).some((d) => code(d) === 'null-check' && d.range.start.line === line + 1), 10_000);
    await vscode.commands.executeCommand('workbench.action.files.revert'); // not saved: no verify on save
    assert.equal(editor.document.isDirty, false);
    await waitFor('the lint back on its line, a hint', () => lintAt()?.severity === vscode.DiagnosticSeverity.Hint, 10_000);
    // the reject gone (its verdict cleared): the lint is in Problems again at its own severity
    ebpf.verdicts.clear('verify', nullDeref());
    await waitFor('the lint back at its severity', () => lintAt()?.severity === alone.severity, 10_000);
    await verify(nullDeref()); // the tests below expect the Verify reject
  });

  it('a debug session of the same file neither clears the rejects nor duplicates them, before or after it stops', async () => {
    const unit = nullDeref();
    const session = await startDebugSession({ name: 'diag: null_deref', program: unit });
    await waitFor('the session\'s verdict in the store', () => ebpf.verdicts.latest(unit, 'null_deref')?.origin === 'debug', 60_000);
    assert.equal(verifierDiagnostics(unit).length, 1, 'one reject in Problems, the session\'s: not two');
    assert.equal(verifierDiagnostics(packetBounds()).length, 1, 'the other file\'s Verify reject is untouched');
    await adapterEvent(session, 'stopped');
    assert.equal(verifierDiagnostics(unit).length, 1, 'stopped on the reject: still one');
    await endDebugSessions(session);
    assert.equal(verifierDiagnostics(unit).length, 1, 'still in Problems after Stop');
    assert.equal(verifierDiagnostics(packetBounds()).length, 1);
  });

  it('verify on save\'s reject, then Verify Object of the same file: one entry in Problems, not two', async () => {
    const editor = await openInEditor('diag_packet.bpf.c');
    await editor.edit((e) => e.insert(new vscode.Position(editor.document.lineCount, 0), '\n'));
    assert.ok(await editor.document.save());
    await waitFor('verify on save\'s verdict', () => ebpf.verdicts.latest(packetBounds(), 'packet_bounds')?.origin === 'save', 60_000);
    await waitFor('the server\'s reject', () => verifierDiagnostics(packetBounds()).length > 0, 10_000);
    const [saved] = verifierDiagnostics(packetBounds());
    assert.equal(verifierDiagnostics(packetBounds()).length, 1, 'the save\'s verdict is newer: Verify Object\'s entry of it went');
    assert.match(await hoverText(editor.document.uri, saved.range.start), /packet_bounds.*rejected.* · verify on save ·[\s\S]*Packet access without a bounds check/,
      'verify on save\'s reject gets the hover too');
    await verify(packetBounds());
    assert.equal(ebpf.verdicts.latest(packetBounds(), 'packet_bounds')?.origin, 'verify');
    assert.equal(verifierDiagnostics(packetBounds()).length, 1, 'the same reject word for word at the same line: once');
  });

  it('the fix saved clears the stale Verify reject of that program (verify on save verifies it again), not the other file\'s', async () => {
    await verify(nullDeref());
    assert.equal(ebpf.verdicts.latest(nullDeref(), 'null_deref')?.origin, 'verify');
    const editor = await openInEditor('diag_null.bpf.c');
    const bug = lineOf(nullDeref(), '*count += 1');
    await editor.edit((e) => e.insert(new vscode.Position(bug, 0), '\tif (!count)\n\t\treturn XDP_PASS;\n'));
    assert.ok(await editor.document.save());
    await waitFor('the program accepted by verify on save', () => {
      const e = ebpf.verdicts.latest(nullDeref(), 'null_deref');
      return e?.origin === 'save' && e.program.verdict === 'accepted';
    }, 60_000);
    await waitFor('the stale reject to leave Problems', () => verifierDiagnostics(nullDeref()).length === 0, 10_000);
    assert.equal(verifierDiagnostics(packetBounds()).length, 1, 'the other file\'s reject stays');
  });

  it('a failed build is clang\'s errors in Problems until the file builds again', async () => {
    writeFileSync(broken(), readFileSync(workspaceFile('null_deref.bpf.c').fsPath, 'utf8').replace('\t*count += 1;', '\t*count += undefined_thing;'));
    const report = await vscode.commands.executeCommand('ebpf.verifyObject', vscode.Uri.file(broken()));
    assert.equal(report, undefined, 'no report for a source that does not build');
    const clang = await waitFor('clang\'s error', () => {
      const found = vscode.languages.getDiagnostics(vscode.Uri.file(broken())).filter((d) => d.source === 'clang');
      return found.length > 0 && found;
    }, 10_000);
    assert.match(clang[0].message, /undeclared identifier 'undefined_thing'/);
    assert.equal(clang[0].range.start.line, lineOf(broken(), 'undefined_thing'));
    writeFileSync(broken(), readFileSync(workspaceFile('null_deref.bpf.c').fsPath, 'utf8'));
    await verify(broken());
    const now = vscode.languages.getDiagnostics(vscode.Uri.file(broken()));
    assert.deepEqual(now.filter((d) => d.source === 'clang').map((d) => d.message), []);
    assert.equal(now.filter((d) => d.source === VERIFIER).length, 1, 'the reject instead');
  });

  it('Verify Current File verifies the active file without a picker', async () => {
    await openInEditor('diag_packet.bpf.c');
    const report = await vscode.commands.executeCommand<ObjectReport | undefined>('ebpf.verifyCurrentFile');
    assert.ok(report);
    assert.equal(report.source, packetBounds());
    assert.equal(ebpf.verdicts.latest(packetBounds(), 'packet_bounds')?.report, report);
  });
});
