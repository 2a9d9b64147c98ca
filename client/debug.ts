import path from 'node:path';
import * as vscode from 'vscode';
import type { ClangDiagnostic } from '../core/build/clang';
import { BUILD_FAILED_DEBUG_EVENT, HOST_KERNEL, VERDICTS_DEBUG_EVENT, type BuildFailedEventBody, type VerdictOrigin, type VerdictsEventBody } from '../core/editor-events';
import { DEBUG_TYPE, launchForActiveFile, type EbpfLaunchArguments } from '../core/launch-attributes';
import { HELPER_TRACE_ENV } from '../core/loader/trace-summary';
import { buildFlagsFor } from './editor-settings';
import { tracing } from './output-channel';
import type { VerdictStore } from './verdict-store';
import { requireTrust } from './workspace-trust';

/** Where a session's build errors go: the debug origin's Problems entries, next to its verdicts (client/verdict-diagnostics.ts). */
export interface BuildFailureSink {
  buildFailed(origin: VerdictOrigin, unit: string, diagnostics: ClangDiagnostic[], message: string): void;
}

/** The adapter runs out of process: VS Code's own runtime in Node mode, on dist/adapter.js. */
class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly context: vscode.ExtensionContext) {}

  createDebugAdapterDescriptor(): vscode.DebugAdapterDescriptor {
    // at trace level the adapter sends its helper's traffic too (client/adapter-trace.ts writes it to the channel)
    const env: Record<string, string> = { ELECTRON_RUN_AS_NODE: '1', ...(tracing() ? { [HELPER_TRACE_ENV]: '1' } : {}) };
    return new vscode.DebugAdapterExecutable(process.execPath, [this.context.asAbsolutePath('dist/adapter.js')], { env });
  }
}

/** A configuration's program, absolute: relative ones from its cwd, else from the workspace folder. */
function programPath(config: vscode.DebugConfiguration, folder: vscode.WorkspaceFolder | undefined): string {
  const c = config as vscode.DebugConfiguration & Partial<EbpfLaunchArguments>;
  return path.resolve(c.cwd ?? folder?.uri.fsPath ?? process.cwd(), c.program ?? '');
}

/** Without a launch.json, F5 on a .bpf.c (or .o) verifies that file. Every session gets the workspace's storage for its logs. */
class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly context: vscode.ExtensionContext) {}

  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    // a session builds and loads programs; a replayed log ("Debug This Log" asks for trust itself) loads nothing
    if (!config.replayLog && !requireTrust('Debugging')) return undefined;
    let launch: vscode.DebugConfiguration | null = config;
    if (!config.type && !config.request && !config.name) {
      launch = launchForActiveFile(vscode.window.activeTextEditor?.document.fileName);
      if (!launch) void vscode.window.showInformationMessage('eBPF: open a .bpf.c source or add an "ebpf" launch configuration to verify.');
    }
    if (!launch) return undefined;
    // per workspace (globalStorage without a folder open): two projects' logs of a same-named program never collide
    const storageDir: EbpfLaunchArguments['storageDir'] = (this.context.storageUri ?? this.context.globalStorageUri).fsPath;
    return { storageDir, ...launch };
  }

  /**
   * A .bpf.c the adapter builds (no shell `build` command) takes the settings, read now: ebpf.clang.path,
   * ebpf.bpftool.path, and ebpf.includePaths/defines/cflags before the configuration's own `build` arguments (which win).
   */
  resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    if (config.replayLog || typeof config.program !== 'string' || !config.program.endsWith('.c') || typeof config.build === 'string') return config;
    const flags = buildFlagsFor(programPath(config, folder), Array.isArray(config.build) ? config.build : undefined);
    const built: Pick<EbpfLaunchArguments, 'build' | 'clangPath' | 'bpftoolPath'> = { build: flags.extraArgs, clangPath: flags.clang, bpftoolPath: flags.bpftool };
    return { ...config, ...built };
  }
}

/** Reveals Run and Debug when a session stops on a reject: its threads, variables and the Why scope are there. */
class RevealOnReject implements vscode.DebugAdapterTrackerFactory, vscode.Disposable {
  private readonly revealed = new vscode.EventEmitter<vscode.DebugSession>();
  /** Fired once Run and Debug is shown for a session's reject (the in-editor tests watch it). */
  readonly onDidReveal = this.revealed.event;

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    return {
      onDidSendMessage: (m: { type?: string; event?: string; body?: { reason?: string } }) => {
        if (m.type !== 'event' || m.event !== 'stopped' || m.body?.reason !== 'exception') return;
        void vscode.commands.executeCommand('workbench.view.debug').then(() => this.revealed.fire(session));
      },
    };
  }

  dispose(): void {
    this.revealed.dispose();
  }
}

/** The file the session was asked to verify, absolute: the unit its build errors belong to. */
function sessionUnit(session: vscode.DebugSession): string {
  return programPath(session.configuration, session.workspaceFolder);
}

/**
 * Debug sessions' verdicts go to the store like every other origin's (one event per kernel); nothing is cleared
 * when a session starts or ends, so the Verify command's and verify on save's rejects stay in Problems.
 */
export function registerDebugging(context: vscode.ExtensionContext, verdicts: VerdictStore, builds: BuildFailureSink): { onDidRevealRunAndDebug: vscode.Event<vscode.DebugSession> } {
  const reveal = new RevealOnReject();
  context.subscriptions.push(
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type !== DEBUG_TYPE) return;
      if (e.event === VERDICTS_DEBUG_EVENT) {
        const body = e.body as VerdictsEventBody | undefined;
        if (body?.report) verdicts.record('debug', body.report, body.kernel ?? HOST_KERNEL);
      } else if (e.event === BUILD_FAILED_DEBUG_EVENT) {
        const body = e.body as Partial<BuildFailedEventBody> | undefined;
        builds.buildFailed('debug', sessionUnit(e.session), body?.diagnostics ?? [], body?.message ?? 'The build failed.');
      }
    }),
    reveal,
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, reveal),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(context)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider(context)),
  );
  return { onDidRevealRunAndDebug: reveal.onDidReveal };
}
