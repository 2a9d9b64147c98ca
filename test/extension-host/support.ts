/**
 * Helpers for the suites that run inside the extension host (suite/*.test.ts). Only this folder's suites import
 * it: it needs the `vscode` module, which exists only there.
 */
import * as vscode from 'vscode';
import type { activate } from '../../client/extension';

export const EXTENSION_ID = 'ebpf-debugger.ebpf-debugger';
/** What activate() returns: the extension's objects, for tests to look at (client/extension.ts). */
export type EbpfApi = Awaited<ReturnType<typeof activate>>;

export function extension(): vscode.Extension<EbpfApi> {
  const ext = vscode.extensions.getExtension<EbpfApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded in this extension host (extensionDevelopmentPath wrong?)`);
  return ext;
}

/** The extension's API, activating it first if no activation event has yet. */
export async function api(): Promise<EbpfApi> {
  return extension().activate();
}

/** A file of the test workspace (test/e2e/workspace.ts says what is in it). */
export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the extension host tests need a workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function openInEditor(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(doc);
}

/** 0-based position of the first occurrence of `needle` in `doc`, `offset` characters into it. */
export function positionOf(doc: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const at = doc.getText().indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' is not in ${doc.uri.fsPath}`);
  return doc.positionAt(at + offset);
}

/**
 * Poll `probe` until it returns something truthy (its value), or fail after `ms` saying what never happened, with
 * the last value seen.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    const value = await probe();
    if (value) return value;
    last = value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The diagnostics of `uri` whose message matches `pattern`, once there is at least one. */
export function diagnosticsMatching(uri: vscode.Uri, pattern: RegExp, ms?: number): Promise<vscode.Diagnostic[]> {
  return waitFor(`a diagnostic matching ${pattern} on ${uri.fsPath}`, () => {
    const found = vscode.languages.getDiagnostics(uri).filter((d) => pattern.test(d.message));
    return found.length > 0 && found;
  }, ms);
}

/** The plain text of the hovers at `pos` (every provider's, the language server's among them). */
export async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

/** An event the eBPF adapter sent a session, as a tracker of the tests' own saw it. */
export interface AdapterEvent { session: string; event: string; body: Record<string, unknown> }

/**
 * Every debug session started and not yet ended, and every event the eBPF adapter sent, from the moment the suites
 * load. A session's end is its own terminate event, not `activeDebugSession` going undefined: focus can move to a
 * session that is still ending, or leave one that is still running.
 */
const liveSessions = new Map<string, vscode.DebugSession>();
export const adapterEvents: AdapterEvent[] = [];
vscode.debug.onDidStartDebugSession((s) => liveSessions.set(s.id, s));
vscode.debug.onDidTerminateDebugSession((s) => liveSessions.delete(s.id));
vscode.debug.registerDebugAdapterTrackerFactory('ebpf', {
  createDebugAdapterTracker: (s) => ({
    onDidSendMessage: (m: { type?: string; event?: string; body?: Record<string, unknown> }) => {
      if (m.type === 'event' && m.event) adapterEvents.push({ session: s.id, event: m.event, body: m.body ?? {} });
    },
  }),
});

/** The first event named `event` the adapter sent `session`, once there is one. */
export function adapterEvent(session: vscode.DebugSession, event: string, ms = 60_000, match: (e: AdapterEvent) => boolean = () => true): Promise<AdapterEvent> {
  return waitFor(`event '${event}' of session '${session.name}'`, () => adapterEvents.find((e) => e.session === session.id && e.event === event && match(e)), ms);
}

/** Start an eBPF launch configuration in the workspace folder and return its session. */
export async function startDebugSession(config: { name: string; program: string } & Record<string, unknown>): Promise<vscode.DebugSession> {
  const folder = vscode.workspace.workspaceFolders![0];
  let mine: vscode.DebugSession | undefined;
  const sub = vscode.debug.onDidStartDebugSession((s) => { if (s.name === config.name) mine ??= s; });
  try {
    const started = await Promise.resolve(vscode.debug.startDebugging(folder, { type: 'ebpf', request: 'launch', ...config }))
      .catch((e: unknown) => { throw new Error(`${config.name} did not start: ${String(e)}`); });
    if (!started) throw new Error(`${config.name} did not start`);
    return await waitFor(`session '${config.name}'`, () => mine, 10_000);
  } finally {
    sub.dispose();
  }
}

/** Stop `session` (every session when none is given) and wait until it has ended. */
export async function endDebugSessions(session?: vscode.DebugSession, ms = 30_000): Promise<void> {
  const ending = session ? [session] : [...liveSessions.values()];
  if (ending.every((s) => !liveSessions.has(s.id))) return;
  await vscode.debug.stopDebugging(session);
  const names = () => ending.filter((s) => liveSessions.has(s.id)).map((s) => `'${s.name}'`).join(', ');
  await waitFor('the debug sessions to end', () => !ending.some((s) => liveSessions.has(s.id)), ms)
    .catch((e: Error) => { throw new Error(`${e.message}; still running: ${names()}`); });
}
