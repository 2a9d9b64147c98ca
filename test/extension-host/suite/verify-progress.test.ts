/**
 * Verify Object's progress notification (issue 16 point 9), in a real extension host with the real kernel: what it
 * is told (its title, then each phase in order, the percentages adding up), and that its Cancel stops the run
 * (during the build, and between programs) with no verdict recorded. The notification is VS Code's withProgress,
 * wrapped through activate()'s verifyProgressUi: the wrapper sees each report and presses Cancel as a user would,
 * through the cancellation token the notification hands the run.
 */
import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ObjectReport } from '../../../core/verify/report';
import { api, extension, waitFor, workspaceFile, type EbpfApi } from '../support';

type Report = { message?: string; increment?: number };

/** What one run's notification was given, and the Cancel it can be made to press at a report. */
function watchProgress(ui: EbpfApi['verifyProgressUi'], cancelAt?: (message: string) => boolean) {
  const seen = { options: undefined as vscode.ProgressOptions | undefined, reports: [] as Report[], cancelledAt: undefined as string | undefined };
  const real = ui.withProgress;
  const wrapped = (options: vscode.ProgressOptions, task: (p: vscode.Progress<Report>, t: vscode.CancellationToken) => Thenable<unknown>) =>
    real(options, (progress, token) => {
      seen.options = options;
      const cancel = new vscode.CancellationTokenSource();
      token.onCancellationRequested(() => cancel.cancel());
      return task({
        report: (value) => {
          seen.reports.push(value);
          progress.report(value);
          if (seen.cancelledAt === undefined && cancelAt?.(value.message ?? '')) {
            seen.cancelledAt = value.message;
            cancel.cancel(); // what the notification's Cancel button does to the token
          }
        },
      }, cancel.token);
    });
  ui.withProgress = wrapped as typeof ui.withProgress;
  return { seen, restore: () => { ui.withProgress = real; } };
}

describe('Verify Object\'s progress notification', () => {
  let ebpf: EbpfApi;
  const file = () => workspaceFile('progress_threads.bpf.c').fsPath;
  const verify = () => vscode.commands.executeCommand<ObjectReport | undefined>('ebpf.verifyObject', vscode.Uri.file(file()));

  before(async () => {
    ebpf = await api();
    // three programs (first_reject, second_reject, all_fine): a run long enough to be cancelled between programs
    copyFileSync(path.join(extension().extensionPath, 'test', 'programs', 'dap', 'threads_order.bpf.c'), file());
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    ebpf.verdicts.clear('verify', file());
    ebpf.verdicts.clear('save', file());
    rmSync(file(), { force: true });
  });

  it('is a cancellable notification titled by the file, told each phase in order, up to the last program', async () => {
    const { seen, restore } = watchProgress(ebpf.verifyProgressUi);
    try {
      const report = await verify();
      assert.ok(report, 'the run finished');
      assert.equal(report.programs.length, 3);
    } finally {
      restore();
    }
    assert.equal(seen.options?.location, vscode.ProgressLocation.Notification);
    assert.equal(seen.options?.title, 'eBPF: progress_threads.bpf.c');
    assert.equal(seen.options?.cancellable, true);
    const names = ['first_reject', 'second_reject', 'all_fine'];
    assert.deepEqual(seen.reports.map((r) => r.message?.replace(/: \w+$/, '')),
      ['building progress_threads.bpf.c', 'verifying 3 programs', 'program 1 of 3', 'program 2 of 3', 'program 3 of 3']);
    assert.deepEqual(seen.reports.slice(2).map((r) => r.message?.split(': ')[1]).sort(), [...names].sort(), 'each program named once');
    const increments = seen.reports.map((r) => r.increment ?? 0);
    assert.ok(increments.every((i) => i >= 0), `the bar never goes back: ${increments}`);
    const total = increments.reduce((a, b) => a + b, 0);
    assert.ok(total > 10 && total <= 100, `the bar moves, within 100%: ${total}`);
  });

  it('Cancel during the build stops it: no program is verified, no verdict recorded', async () => {
    ebpf.verdicts.clear('verify', file());
    const { seen, restore } = watchProgress(ebpf.verifyProgressUi, (m) => m.startsWith('building '));
    try {
      assert.equal(await verify(), undefined, 'a cancelled run gives no report');
    } finally {
      restore();
    }
    assert.equal(seen.cancelledAt, 'building progress_threads.bpf.c');
    assert.deepEqual(seen.reports.map((r) => r.message), ['building progress_threads.bpf.c'], 'nothing after the build');
    assert.equal(ebpf.verdicts.latest(file(), 'first_reject'), undefined);
  });

  it('Cancel at the first program stops before the next one', async () => {
    ebpf.verdicts.clear('verify', file());
    const { seen, restore } = watchProgress(ebpf.verifyProgressUi, (m) => m.startsWith('program 1 of 3'));
    try {
      assert.equal(await verify(), undefined, 'a cancelled run gives no report');
    } finally {
      restore();
    }
    assert.match(seen.cancelledAt ?? '', /^program 1 of 3: /);
    assert.deepEqual(seen.reports.map((r) => r.message?.replace(/: \w+$/, '')), ['building progress_threads.bpf.c', 'verifying 3 programs', 'program 1 of 3'],
      'no program after the cancelled one was started');
    for (const p of ['first_reject', 'second_reject', 'all_fine']) assert.equal(ebpf.verdicts.latest(file(), p), undefined, `${p}: no verdict`);
    // the output channel says why the run stopped
    await vscode.commands.executeCommand('ebpf.showOutput');
    await waitFor('the cancel in the Output view', () => /verify progress_threads\.bpf\.c: cancelled by the user/.test(
      vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && /eBPF Debugger/.test(decodeURIComponent(d.uri.toString())))?.getText() ?? ''), 10_000);
  });
});
