/**
 * "eBPF: Verify Object" (a picked, clicked or active .bpf.c/.o) and "eBPF: Verify Current File" (the active one, no
 * picker): build if needed, verify every program in the kernel, record the report in the verdict store (its rejects
 * show in the 'ebpf-verify' collection), then open the first reject's line with its range selected.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BuildError } from '../core/build/clang';
import { describeError, isEbpfError } from '../core/errors';
import { HelperClient } from '../core/loader/helper-client';
import type { ObjectReport } from '../core/verify/report';
import { buildFlagsFor } from './editor-settings';
import { helperTrace } from './output-channel';
import type { VerdictDiagnostics } from './verdict-diagnostics';
import type { VerdictStore } from './verdict-store';
import { toRange } from './verifier-diagnostics';
import { verifyWithProgress } from './verify-progress';
import { requireTrust } from './workspace-trust';

const VERIFIABLE = /\.(c|o)$/;

/** The file of the active editor, or of the active tab (an object opens in the binary editor, not a text editor). */
function activeFile(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.uri.scheme === 'file') return doc.fileName;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
  return uri?.scheme === 'file' ? uri.fsPath : undefined;
}

async function pickTarget(arg?: vscode.Uri): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const active = activeFile();
  if (active && VERIFIABLE.test(active)) return active;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'BPF object or source': ['o', 'c'] }, openLabel: 'Verify' });
  return picked?.[0]?.fsPath;
}

/** The build reads the file from disk: an edited, unsaved source is saved first so the verdict is about what is shown. */
async function saveIfDirty(file: string): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.fileName === file);
  if (doc?.isDirty) await doc.save();
}

/** Opens the first reject of `report` the 'ebpf-verify' collection shows, its range selected. */
async function revealFirstReject(diagnostics: VerdictDiagnostics, report: ObjectReport): Promise<void> {
  const first = diagnostics.rejects('verify').find((r) => r.entry.report === report);
  if (!first) return;
  const range = toRange(first.shape.range);
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(first.shape.file), { preview: false });
  // the cursor at the range's start: a narrow editor scrolls to where the reject begins, not sideways to its end
  editor.selection = new vscode.Selection(range.end, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/**
 * Problems opened with the reject's entry selected. Problems, when it takes the focus, keeps the entry selected before
 * (from any file), or else selects the first entry of its first row in view; it never looks at the editor's cursor
 * (VS Code's markersView focus and setMarkerSelection). So: the old selection is cleared, with Problems scrolled to
 * its top; the reject's editor is brought back, which scrolls Problems to that file when it was not the active one
 * (problems.autoReveal); Problems is focused again and selects the first entry of the file in view. That is the reject:
 * a file's errors come first, and the lint of the same bug on its line is a hint, not in Problems (lint-under-reject.ts).
 */
async function showProblemsOnReject(revealReject: () => Promise<void>): Promise<void> {
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  // the list commands act on the list that last had the focus: Problems' own, just focused
  await vscode.commands.executeCommand('list.focusFirst');
  await vscode.commands.executeCommand('list.clear');
  await revealReject(); // the editor takes the focus, so Problems' next focus selects again
  await vscode.commands.executeCommand('workbench.actions.view.problems');
}

export function registerVerifyCommands(context: vscode.ExtensionContext, store: VerdictStore, diagnostics: VerdictDiagnostics): void {
  async function verify(target: string): Promise<ObjectReport | undefined> {
    await saveIfDirty(target);
    const loader = new HelperClient({ helperPath: context.asAbsolutePath('dist/helper.js'), onTrace: helperTrace() });
    try {
      // a .bpf.c is built with ebpf.clang.path, ebpf.bpftool.path, ebpf.includePaths, ebpf.defines and ebpf.cflags, read now
      const run = await verifyWithProgress(loader, target, { build: buildFlagsFor(target) });
      store.record('verify', run.report);
      const rejected = run.report.programs.filter((p) => p.verdict !== 'accepted');
      const summary = `eBPF: ${run.report.programs.length - rejected.length} of ${run.report.programs.length} programs in ${path.basename(target)} verified`;
      if (rejected.length === 0) void vscode.window.showInformationMessage(summary);
      else {
        await revealFirstReject(diagnostics, run.report);
        const names = rejected.map((p) => `${p.name} (${p.verdict})`).join(', ');
        void vscode.window.showWarningMessage(`${summary}; not verified: ${names}`, 'Show Problems').then(async (choice) => {
          if (choice) await showProblemsOnReject(() => revealFirstReject(diagnostics, run.report));
        }).then(undefined, (e: unknown) => {
          // the file may be gone by the time the button is pressed: say so instead of an unhandled rejection
          void vscode.window.showErrorMessage(`eBPF: cannot show the reject: ${describeError(e)}`);
        });
      }
      return run.report;
    } catch (e) {
      if (e instanceof BuildError) diagnostics.buildFailed('verify', path.resolve(target), e.diagnostics, e.message);
      if (!isEbpfError(e) || e.code !== 'cancelled') void vscode.window.showErrorMessage(`eBPF: ${describeError(e)}`);
      return undefined;
    } finally {
      await loader.close();
    }
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('ebpf.verifyObject', async (arg?: vscode.Uri) => {
      if (!requireTrust('Verify Object')) return undefined;
      const target = await pickTarget(arg);
      return target ? verify(target) : undefined;
    }),
    // editor/title passes the file's Uri; the palette, none
    vscode.commands.registerCommand('ebpf.verifyCurrentFile', async (arg?: vscode.Uri) => {
      if (!requireTrust('Verify Current File')) return undefined;
      const target = arg instanceof vscode.Uri && arg.scheme === 'file' ? arg.fsPath : activeFile();
      if (!target || !VERIFIABLE.test(target)) {
        void vscode.window.showInformationMessage('eBPF: Verify Current File needs an open .bpf.c source or .o object; use "eBPF: Verify Object" to pick one.');
        return undefined;
      }
      return verify(target);
    }),
  );
}
