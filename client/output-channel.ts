/**
 * The extension's one output channel, "eBPF Debugger": what the user did (info), what went wrong (warn/error), and at
 * trace level the loader helper's and the debug adapter's traffic, for bug reports. A LogOutputChannel, so the level
 * is the user's choice ("Developer: Set Log Level…" or the channel's gear) and each line carries its time.
 */
import os from 'node:os';
import * as vscode from 'vscode';
import type { HelperClientOptions } from '../core/loader/helper-client';

export const OUTPUT_CHANNEL_NAME = 'eBPF Debugger';

let channel: vscode.LogOutputChannel | undefined;

/** The channel, created on first use: every client feature writes here, none makes its own. */
export function ebpfOutput(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  return channel;
}

/** Create the channel with the extension's lifetime, and "eBPF: Show Output". */
export function registerOutputChannel(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  const out = ebpfOutput();
  context.subscriptions.push(
    out,
    { dispose: () => { channel = undefined; } },
    vscode.commands.registerCommand('ebpf.showOutput', () => { out.show(true); }),
  );
  // what a bug report needs first: which build, which kernel, which editor; and how to get the traffic
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  out.info(`eBPF Debugger ${version}, kernel ${os.release()}, ${vscode.env.appName} ${vscode.version}, ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'} workspace`);
  if (out.logLevel !== vscode.LogLevel.Trace) out.info('For the loader helper\'s and the debug adapter\'s messages here: "Developer: Set Log Level…", eBPF Debugger, Trace.');
  return out;
}

/** Whether trace lines would be shown: summaries are only worth building then. */
export function tracing(out: vscode.LogOutputChannel = ebpfOutput()): boolean {
  return out.logLevel === vscode.LogLevel.Trace;
}

/** The HelperClient option that writes its requests and replies (summarised, never the log) as trace lines. */
export function helperTrace(out: vscode.LogOutputChannel = ebpfOutput()): NonNullable<HelperClientOptions['onTrace']> {
  return (direction, summary) => {
    if (tracing(out)) out.trace(`[helper] ${direction === 'send' ? '→' : direction === 'recv' ? '←' : '·'} ${summary}`);
  };
}
