/**
 * The "eBPF Verifier" results view, the verdict code lenses and the hot-line decorations in a real extension host,
 * fed with real verdicts: the workspace's programs verified in the running kernel through the helper and recorded in
 * the extension's VerdictStore, as the Verify command, verify on save and debug sessions record theirs.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { buildBpfSource } from '../../../core/build/clang';
import { HelperClient } from '../../../core/loader/helper-client';
import { loadObjectSourceMap, programMap } from '../../../core/source-map/object-source-map';
import { analyzeLog } from '../../../core/verifier-log/parse';
import { buildProgramReport } from '../../../core/verify/program-report';
import type { ObjectReport } from '../../../core/verify/report';
import { verifyObject } from '../../../core/verify/verify-object';
import type { Row } from '../../../client/results-model';
import { api, extension, openInEditor, waitFor, workspaceFile, type EbpfApi } from '../support';

const lineOf = (file: string, re: RegExp) => readFileSync(file, 'utf8').split('\n').findIndex((l) => re.test(l)); // 0-based

describe('results view, verdict lenses and hot lines', () => {
  let ebpf: EbpfApi;
  let helper: HelperClient;
  const verify = async (file: string): Promise<ObjectReport> => (await verifyObject(helper, file)).report;
  const nullDeref = () => workspaceFile('null_deref.bpf.c').fsPath;
  const countOk = () => workspaceFile('count_ok.bpf.c').fsPath;
  const loopFile = () => workspaceFile('hot_loop.bpf.c').fsPath;

  /** The tree as the view asks for it: the provider's rows and the TreeItems it makes of them. */
  const provider = () => ebpf.results.provider;
  const items = (parent?: Row) => provider().getChildren(parent).map((row) => ({ row, item: provider().getTreeItem(row) }));
  const itemLabeled = (parent: Row | undefined, label: RegExp) => {
    const all = items(parent);
    const hit = all.find((i) => label.test(String(i.item.label)));
    assert.ok(hit, `a row ${label} under ${parent?.label ?? 'the root'}: ${all.map((i) => `${i.item.label} (${i.item.description})`).join(' | ')}`);
    return hit;
  };
  const click = async (item: vscode.TreeItem | vscode.CodeLens) => {
    const command = item.command!;
    assert.ok(command.command, `${'title' in command ? command.title : ''} is clickable`);
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
  };
  const cursorIn = (file: string, line: number) => waitFor(`the editor on ${path.basename(file)} line ${line + 1}`, () => {
    const e = vscode.window.activeTextEditor;
    return e?.document.uri.fsPath === file && e.selection.active.line === line && e;
  }, 10_000);

  before(async () => {
    ebpf = await api();
    helper = new HelperClient({ helperPath: path.join(extension().extensionPath, 'dist', 'helper.js') });
    await vscode.commands.executeCommand('ebpf.results.clear');
  });
  after(async () => {
    helper?.close();
    await vscode.commands.executeCommand('ebpf.results.clear');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(loopFile(), { force: true });
  });

  it('is a view of its own in the activity bar, empty until something is verified', async () => {
    await vscode.commands.executeCommand('ebpf.results.focus'); // the command VS Code makes for a contributed view
    await waitFor('the eBPF Verifier view to be visible', () => ebpf.results.treeView.visible);
    assert.deepEqual(provider().getChildren(), []);
    const views = extension().packageJSON.contributes.viewsWelcome as { view: string; contents: string }[];
    assert.match(views.find((v) => v.view === 'ebpf.results')!.contents, /\[Run eBPF: Verify Object\]\(command:ebpf\.verifyObject\)/);
  });

  it('lists a rejected object first, its program rejected with the message, explanation and causal path', async () => {
    ebpf.verdicts.record('verify', await verify(nullDeref()));
    ebpf.verdicts.record('verify', await verify(countOk()));
    const roots = items();
    assert.deepEqual(roots.map((r) => r.item.label), ['null_deref.bpf.c', 'count_ok.bpf.c'], 'the reject first');
    const prog = itemLabeled(roots[0].row, /^null_deref$/);
    assert.equal(prog.item.description, "rejected: R0 invalid mem access 'map_value_or_null'");
    assert.equal(prog.item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.equal((prog.item.iconPath as vscode.ThemeIcon).id, 'error');
    assert.match(prog.item.accessibilityInformation!.label, /^null_deref, rejected: /, 'the verdict in words for screen readers');
    itemLabeled(prog.row, /^Why: Possible NULL dereference$/);
    itemLabeled(prog.row, /^Fix: check `count` for NULL after line \d+/);
    const path_ = itemLabeled(prog.row, /^Causal path$/);
    const lookup = lineOf(nullDeref(), /= bpf_map_lookup_elem\(/);
    const steps = items(path_.row);
    assert.equal(steps[0].item.label, `line ${lookup + 1}: __u64 *count = bpf_map_lookup_elem(&packet_count, &key);`);
    assert.match(String(steps[0].item.description), /^origin: /);

    const ok = itemLabeled(roots[1].row, /^count_ok$/);
    assert.match(String(ok.item.description), /^verified · \d+ insns$/);
    assert.equal(ok.item.collapsibleState, vscode.TreeItemCollapsibleState.None);
    assert.equal(ebpf.results.treeView.badge?.value, 1, 'the badge counts the rejects');
  });

  it('a click on the message opens the source at the reject line; one on a path step at that step', async () => {
    const prog = itemLabeled(items()[0].row, /^null_deref$/);
    const reject = lineOf(nullDeref(), /BUG: count may be NULL/);
    await click(itemLabeled(prog.row, /invalid mem access/).item);
    const editor = await cursorIn(nullDeref(), reject);
    assert.equal(editor.selection.active.character, 8, 'at the column line_info gives');
    const origin = items(itemLabeled(prog.row, /^Causal path$/).row)[0];
    await click(origin.item);
    await cursorIn(nullDeref(), lineOf(nullDeref(), /= bpf_map_lookup_elem\(/));
  });

  it('a code lens above the SEC function says its verdict; a click on a reject goes to its line', async () => {
    const doc = (await openInEditor('null_deref.bpf.c')).document;
    const lenses = await waitFor('the verdict lens', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
      const mine = all.filter((l) => l.command?.title.startsWith('rejected'));
      return mine.length > 0 && mine;
    });
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].command!.title, "rejected: R0 invalid mem access 'map_value_or_null'");
    assert.equal(lenses[0].range.start.line, lineOf(nullDeref(), /^SEC\("xdp"\)/));
    await click(lenses[0]);
    await cursorIn(nullDeref(), lineOf(nullDeref(), /BUG: count may be NULL/));

    const okDoc = (await openInEditor('count_ok.bpf.c')).document;
    const okLens = await waitFor('the accepted lens', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', okDoc.uri, 10);
      return all.find((l) => l.command?.title.startsWith('verified'));
    });
    assert.match(okLens.command!.title, /^verified · \d+ insns$/);
  });

  it('a loop rejected as too large: its hot lines are decorated, and cleared once it verifies', async () => {
    const original = readFileSync(path.join(extension().extensionPath, 'test', 'programs', 'unsafe', 'reject', 'unbounded-loop_helper_bound.bpf.c'), 'utf8');
    writeFileSync(loopFile(), original);
    await openInEditor('hot_loop.bpf.c');
    const report = await verify(loopFile());
    assert.match(report.programs[0].message ?? '', /BPF program is too large/);
    ebpf.verdicts.record('verify', report);
    const loop = lineOf(loopFile(), /for \(__u32 i = 0; i < n; i\+\+\)/);
    const shown = await waitFor('hot-line decorations', () => ebpf.hotLines.rendered(loopFile()).length > 0 && ebpf.hotLines.rendered(loopFile()));
    assert.deepEqual(shown.map((h) => h.line).sort(), [loop, loop + 1]);
    const total = report.programs[0].stats.processedInsns!.toLocaleString('en-US');
    assert.match(shown[0].text, new RegExp(`^[\\d,]+ of ${total} instructions`));
    const hot = itemLabeled(itemLabeled(itemLabeled(undefined, /^hot_loop\.bpf\.c$/).row, /^helper_bound$/).row, /^Hot lines$/);
    await click(items(hot.row)[0].item);
    await cursorIn(loopFile(), shown[0].line);

    // bound the loop and verify again: accepted, so its hot lines go
    writeFileSync(loopFile(), original.replace('i < n; i++', 'i < 16 && i < n; i++'));
    const fixed = await verify(loopFile());
    assert.equal(fixed.programs[0].verdict, 'accepted', fixed.programs[0].message ?? '');
    ebpf.verdicts.record('verify', fixed);
    assert.deepEqual(ebpf.hotLines.rendered(loopFile()), []);
    assert.match(String(itemLabeled(itemLabeled(undefined, /^hot_loop\.bpf\.c$/).row, /^helper_bound$/).item.description), /^verified/);
  });

  it('the Verify Object command fills it: the object, its program rejected, the lens over its SEC function', async () => {
    await vscode.commands.executeCommand('ebpf.results.clear');
    await vscode.commands.executeCommand('ebpf.verifyObject', workspaceFile('subprog_reject.bpf.c'));
    const unit = await waitFor('subprog_reject.bpf.c in the view', () => items().find((i) => i.item.label === 'subprog_reject.bpf.c'), 60_000);
    const prog = itemLabeled(unit.row, /^subprog_reject$/);
    assert.match(String(prog.item.description), /^rejected: R1 invalid mem access 'map_value_or_null'/);
    const steps = items(itemLabeled(prog.row, /^Causal path$/).row).map((i) => String(i.item.label));
    assert.match(steps[0], /= bpf_map_lookup_elem\(/, 'the path starts at the lookup');
    assert.ok(steps.some((l) => /account\(s,/.test(l)), `the call into the subprogram is on the path: ${steps.join(' | ')}`);
    const doc = (await openInEditor('subprog_reject.bpf.c')).document;
    const lens = await waitFor('the lens of the Verify command\'s verdict', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
      return all.find((l) => l.command?.title.startsWith('rejected: R1 invalid mem access'));
    });
    assert.equal(lens.range.start.line, lineOf(doc.fileName, /^SEC\("xdp"\)/));

    // the unit row's inline Verify Again runs the Verify command on it: a newer verdict replaces the old
    assert.equal(unit.item.contextValue, 'ebpf.unit');
    const before = ebpf.verdicts.latest(doc.fileName, 'subprog_reject')!.at;
    await vscode.commands.executeCommand('ebpf.results.verifyAgain', unit.row);
    await waitFor('a newer verdict of subprog_reject', () => ebpf.verdicts.latest(doc.fileName, 'subprog_reject')!.at > before, 60_000);
  });

  it('two kernels: a verdict per kernel, host first, the 6.1 reject at its line', async () => {
    // the kernel-matrix fixture: 6.1's own log of this source (an array map, constant key), placed through line_info
    const fixtures = path.join(extension().extensionPath, '..', 'shared', 'fixtures', 'logs', 'kernel-matrix');
    const src = workspaceFile('nullcheck.bpf.c').fsPath;
    writeFileSync(src, readFileSync(path.join(fixtures, 'programs', 'nullcheck.bpf.c'), 'utf8'));
    const host = await verify(src);
    const log = readFileSync(path.join(fixtures, 'level1', '6.1.txt'), 'utf8');
    const begin = log.indexOf('=== BEGIN nullcheck ');
    const { index, summary } = analyzeLog(log.slice(log.indexOf('\n', begin) + 1, log.indexOf('=== END nullcheck ', begin)));
    const obj = loadObjectSourceMap((await buildBpfSource(src)).object).obj;
    const on61 = buildProgramReport(summary, { name: 'count_packets', section: 'xdp', verdict: 'rejected', errno: 13, logBytes: 0, truncated: false, libbpf: [], roots: [path.dirname(src)], map: programMap(obj, 'count_packets'), obj, index });
    ebpf.verdicts.record('debug', { ...host, kernel: '6.1.0-28-amd64', programs: [on61] }, '6.1');
    ebpf.verdicts.record('debug', host, 'host');
    const prog = itemLabeled(itemLabeled(undefined, /^nullcheck\.bpf\.c$/).row, /^count_packets$/);
    assert.equal(prog.item.description, 'host: verified · 6.1: rejected');
    const kernels = items(prog.row);
    assert.deepEqual(kernels.map((k) => k.item.label), ['host', '6.1']);
    assert.match(String(kernels[1].item.description), /^rejected: R0 invalid mem access/);
    await click(kernels[1].item);
    await cursorIn(src, lineOf(src, /BUG: val may be NULL/));
    const doc = (await openInEditor('nullcheck.bpf.c')).document;
    const titles = await waitFor('a lens per kernel', async () => {
      const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10)).map((l) => l.command?.title ?? '');
      const mine = all.filter((t) => /^(host|6\.1): /.test(t));
      return mine.length === 2 && mine;
    });
    assert.match(titles[0], /^host: verified · \d+ insns$/);
    assert.equal(titles[1], "6.1: rejected: R0 invalid mem access 'map_value_or_null'");
    rmSync(src, { force: true });
  });

  it('Clear empties the view', async () => {
    await vscode.commands.executeCommand('ebpf.results.clear');
    assert.deepEqual(provider().getChildren(), []);
    assert.equal(ebpf.results.treeView.badge, undefined);
  });
});
