import * as path from 'node:path';
import * as vscode from 'vscode';
import { BuildError } from '../core/build/clang';
import { describeError } from '../core/errors';
import { HelperClient } from '../core/loader/helper-client';
import { verifyObject } from '../core/verify/verify-object';
import { buildErrorToDiagnostics, reportToDiagnostics } from './verifier-diagnostics';

async function pickTarget(arg?: vscode.Uri): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && /\.(c|o)$/.test(doc.fileName)) return doc.fileName;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'BPF object or source': ['o', 'c'] }, openLabel: 'Verify' });
  return picked?.[0]?.fsPath;
}

/** "eBPF: Verify Object": build if needed, verify every program in the kernel, rejects into Problems. */
export function registerVerifyCommand(context: vscode.ExtensionContext, diagnostics: vscode.DiagnosticCollection): void {
  const output = vscode.window.createOutputChannel('eBPF Verifier');
  context.subscriptions.push(output);

  const command = vscode.commands.registerCommand('ebpf.verifyObject', async (arg?: vscode.Uri) => {
    const target = await pickTarget(arg);
    if (!target) return undefined;
    diagnostics.clear();
    const loader = new HelperClient({ helperPath: context.asAbsolutePath('dist/helper.js') });
    try {
      const run = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `eBPF: verifying ${path.basename(target)}` },
        () => verifyObject(loader, target, { onLog: (_p, chunk) => output.append(chunk.toString('utf8')) }),
      );
      for (const [file, list] of await reportToDiagnostics(run.report)) diagnostics.set(vscode.Uri.file(file), list);
      const rejected = run.report.programs.filter((p) => p.verdict !== 'accepted');
      const summary = `eBPF: ${run.report.programs.length - rejected.length} of ${run.report.programs.length} programs in ${path.basename(target)} verified`;
      if (rejected.length === 0) void vscode.window.showInformationMessage(summary);
      else {
        const names = rejected.map((p) => `${p.name} (${p.verdict})`).join(', ');
        void vscode.window.showWarningMessage(`${summary}; not verified: ${names}`, 'Show Problems').then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
        });
      }
      return run.report;
    } catch (e) {
      if (e instanceof BuildError) for (const [file, list] of await buildErrorToDiagnostics(e.diagnostics)) diagnostics.set(vscode.Uri.file(file), list);
      void vscode.window.showErrorMessage(`eBPF: ${describeError(e)}`);
      return undefined;
    } finally {
      await loader.close();
    }
  });
  context.subscriptions.push(command);
}
