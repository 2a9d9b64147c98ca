import * as vscode from 'vscode';
import { DEBUG_TYPE, launchForActiveFile } from '../core/launch-attributes';
import { buildErrorToDiagnostics } from './verifier-diagnostics';
import { REPLAY_DIR_ATTRIBUTE } from './verifier-log-commands';

/** The adapter runs out of process: VS Code's own runtime in Node mode, on dist/adapter.js. */
class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly context: vscode.ExtensionContext) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const adapter = this.context.asAbsolutePath('dist/adapter.js');
    // "Debug This Log": the adapter's replay loader answers from the saved log instead of the kernel
    const replay: unknown = session.configuration[REPLAY_DIR_ATTRIBUTE];
    const env = { ELECTRON_RUN_AS_NODE: '1', ...(typeof replay === 'string' ? { EBPF_DEBUGGER_REPLAY: replay } : {}) };
    return new vscode.DebugAdapterExecutable(process.execPath, [adapter], { env });
  }
}

/** Without a launch.json, F5 on a .bpf.c (or .o) verifies that file. */
class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      const launch = launchForActiveFile(vscode.window.activeTextEditor?.document.fileName);
      if (!launch) void vscode.window.showInformationMessage('eBPF: open a .bpf.c source or add an "ebpf" launch configuration to verify.');
      return launch ?? undefined;
    }
    return config;
  }
}

export function registerDebugging(context: vscode.ExtensionContext, diagnostics: vscode.DiagnosticCollection): void {
  context.subscriptions.push(
    // a failed build in a debug session lands in Problems, like the verify command's
    vscode.debug.onDidReceiveDebugSessionCustomEvent(async (e) => {
      if (e.session.type !== DEBUG_TYPE || e.event !== 'ebpf/buildFailed') return;
      diagnostics.clear();
      for (const [file, list] of await buildErrorToDiagnostics(e.body?.diagnostics ?? [])) diagnostics.set(vscode.Uri.file(file), list);
    }),
    vscode.debug.onDidStartDebugSession((s) => { if (s.type === DEBUG_TYPE) diagnostics.clear(); }),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(context)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider()),
  );
}
