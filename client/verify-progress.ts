/**
 * A verify run as the user sees it: a cancellable progress notification that says the phase ("building
 * null_deref.bpf.c", "program 2 of 3: xdp_prog"), and info lines in the "eBPF Debugger" channel (started, finished
 * with the verdicts and the time), the helper's traffic at trace level.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import type { HelperClient } from '../core/loader/helper-client';
import { verifyObject, type VerifyOptions, type VerifyRun } from '../core/verify/verify-object';
import { ebpfOutput } from './output-channel';
import { progressMessage, progressPercent, verdictSummary } from '../core/verify/progress-text';

/**
 * How the Verify commands show their progress notification: VS Code's withProgress. activate() returns it, so an
 * in-editor test can wrap it to see what the notification is told and to press its Cancel.
 */
export const verifyProgressUi: { withProgress: typeof vscode.window.withProgress } = {
  withProgress: (options, task) => vscode.window.withProgress(options, task),
};

/**
 * verifyObject under a progress notification (verifyProgressUi's). Cancel stops a running clang, asks the helper to
 * stop the load in flight, and skips the programs not yet loaded; the run then rejects with a 'cancelled' error.
 */
export async function verifyWithProgress(loader: HelperClient, target: string, opts: VerifyOptions = {}): Promise<VerifyRun> {
  const out = ebpfOutput();
  const start = Date.now();
  out.info(`verify ${target}${opts.programName ? ` (program ${opts.programName})` : ''}`);
  try {
    const run = await verifyProgressUi.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `eBPF: ${path.basename(target)}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => {
          out.info(`verify ${path.basename(target)}: cancelled by the user`);
          abort.abort();
          void loader.cancel();
        });
        let done = 0;
        return verifyObject(loader, target, {
          ...opts,
          signal: abort.signal,
          onProgress: (step) => {
            const percent = progressPercent(step);
            progress.report({ message: progressMessage(step), increment: percent - done });
            done = percent;
            out.debug(progressMessage(step));
            opts.onProgress?.(step);
          },
        });
      },
    );
    out.info(verdictSummary(run.report, Date.now() - start));
    return run;
  } catch (e) {
    out.error(`verify ${path.basename(target)} failed after ${Date.now() - start} ms: ${describeError(e)}`);
    throw e;
  }
}
