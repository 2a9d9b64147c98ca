/**
 * The settings as the client's own builds read them (Verify Object, Verify Current File, debug sessions): the same
 * parse as the language server's (core/settings-values.ts), from vscode.workspace.getConfiguration, read at each
 * use so a change applies to the next build without a reload. In an untrusted workspace VS Code leaves the workspace
 * values of the restricted settings (clang, bpftool, cflags) out on its own (package.json capabilities).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildFlagsFromSettings, settingsFrom, withLaunchBuildArgs, type BuildFlags, type EbpfSettings } from '../core/settings-values';
import { ebpfOutput } from './output-channel';

/** Every setting for `resource` (its folder's values over the user's); a bad value is named in the output channel. */
export function readSettings(resource?: vscode.Uri): EbpfSettings {
  const config = vscode.workspace.getConfiguration(undefined, resource);
  return settingsFrom((name) => config.get(name), (m) => ebpfOutput().warn(m));
}

/**
 * What a build of `source` (a .bpf.c) takes from the settings: the clang and bpftool to run and the extra arguments
 * (include paths resolved from the source's workspace folder, defines, cflags). `launchBuild`: a launch
 * configuration's `build` arguments, which win over the settings'.
 */
export function buildFlagsFor(source: string, launchBuild?: string[]): BuildFlags {
  const uri = vscode.Uri.file(source);
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(source);
  const flags = buildFlagsFromSettings(readSettings(uri), folder);
  return { ...flags, extraArgs: withLaunchBuildArgs(flags.extraArgs, launchBuild) };
}
