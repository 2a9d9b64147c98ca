/** "eBPF: Open as Verifier Log" and "eBPF: Debug This Log". */
import { createHash } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../core/launch-attributes';
import { VERIFIER_LOG_LANGUAGE } from '../core/lsp-ext';
import { logToReplay, pickProgram, programsOf, writeReplayDir } from './log-replay';
import { ebpfOutput } from './output-channel';
import { requireTrust } from './workspace-trust';

/** The document a command acts on: the explorer's file, else the active editor's. */
async function targetDocument(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  return vscode.window.activeTextEditor?.document;
}

/** Where the log's program can be verified again: an object of the workspace holding it, else the source the log names. */
async function findTarget(program: string | null, sources: string[]): Promise<{ program: string; name: string | null } | undefined> {
  const objects = (await vscode.workspace.findFiles('**/*.o', '**/node_modules/**', 500)).map((u) => u.fsPath);
  const holding = objects.map((o) => ({ o, name: pickProgram(programsOf(o), program) })).filter((x) => x.name !== null && (!program || x.name === program));
  if (holding.length === 1) return { program: holding[0].o, name: holding[0].name };
  if (holding.length > 1) {
    const pick = await vscode.window.showQuickPick(holding.map((h) => ({ label: vscode.workspace.asRelativePath(h.o), h })), { placeHolder: `eBPF: which object is program '${program}' of?` });
    return pick ? { program: pick.h.o, name: pick.h.name } : undefined;
  }
  for (const s of sources) {
    const found = await vscode.workspace.findFiles(`**/${path.basename(s)}`, '**/node_modules/**', 2);
    if (found.length === 1) return { program: found[0].fsPath, name: program }; // the adapter builds it, then replays
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'BPF object or source': ['o', 'c'] },
    openLabel: 'Replay the log over this', title: `eBPF: the object (or .bpf.c) ${program ? `program '${program}'` : 'this log'} comes from` });
  if (!chosen?.[0]) return undefined;
  const file = chosen[0].fsPath;
  if (!file.endsWith('.o')) return { program: file, name: program };
  const programs = programsOf(file);
  const name = pickProgram(programs, program) ?? (await vscode.window.showQuickPick(programs, { placeHolder: 'eBPF: which program is this log of?' })) ?? null;
  return name ? { program: file, name } : undefined;
}

export function registerVerifierLogCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('ebpf.openAsVerifierLog', async (uri?: vscode.Uri) => {
      const doc = await targetDocument(uri);
      if (!doc) return void vscode.window.showInformationMessage('eBPF: open the log (or paste it into an untitled editor) first.');
      const log = await vscode.languages.setTextDocumentLanguage(doc, VERIFIER_LOG_LANGUAGE);
      await vscode.window.showTextDocument(log);
    }),
    vscode.commands.registerCommand('ebpf.debugThisLog', async (uri?: vscode.Uri) => {
      // the replay session builds the program's source when no object holds it
      if (!requireTrust('Debug This Log')) return undefined;
      const doc = await targetDocument(uri);
      if (!doc) return void vscode.window.showInformationMessage('eBPF: open a verifier log first.');
      const replay = logToReplay(doc.getText(), doc.isUntitled ? undefined : doc.fileName);
      if ('error' in replay) return void vscode.window.showWarningMessage(`eBPF: ${replay.error}`);
      const target = await findTarget(replay.program, replay.sources);
      if (!target) return undefined;
      if (!target.name) return void vscode.window.showWarningMessage(`eBPF: ${path.basename(target.program)} holds several programs and the log does not name one: open it with libbpf's "prog 'name':" lines, or pick a one-program object.`);
      // per log document: two logs replayed at once do not share a directory
      const dir = vscode.Uri.joinPath(context.globalStorageUri, 'replay', createHash('sha1').update(doc.uri.toString()).digest('hex').slice(0, 12)).fsPath;
      writeReplayDir(dir, target.name, replay);
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(target.program)) ?? vscode.workspace.workspaceFolders?.[0];
      const roots = [...(doc.isUntitled ? [] : [path.dirname(doc.fileName)]), ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)];
      ebpfOutput().info(`Debug This Log: replaying ${doc.isUntitled ? 'an untitled log' : doc.fileName} as program '${target.name}' of ${target.program}`);
      return vscode.debug.startDebugging(folder, {
        type: DEBUG_TYPE, request: 'launch', name: `eBPF: replay ${doc.isUntitled ? 'log' : path.basename(doc.fileName)}`,
        program: target.program, programName: target.name, sourceRoots: roots, replayLog: dir, // the adapter's replay loader answers from the saved log
      });
    }),
  );
}
