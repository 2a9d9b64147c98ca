/**
 * The bundled language server (dist/server.js --stdio by default) over stdio, as an editor runs it: started over a
 * workspace folder, initialized, every publishDiagnostics recorded and handed to whoever waits for it, then shut down.
 * The LSP test files and verify on save's session (verify-session.ts) start their server through this one helper.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities, CodeAction, CodeLens, Diagnostic, InitializeParams, InitializeResult, PublishDiagnosticsParams, Range,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { DIST } from './paths';

export const uriOf = (file: string) => pathToFileURL(file).href;

/** Polls until `find` answers, failing (not hanging) after `ms`. */
export function until<T>(find: () => T | undefined, why: () => string, ms = 20_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const hit = find();
      if (hit !== undefined) {
        clearInterval(poll);
        resolve(hit);
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error(why()));
      }
    }, 20);
  });
}

/** A hover as the server writes it: markdown, over the word it is about. */
export interface MarkdownHover { contents: { value: string }; range: Range }

export interface LspServerOptions {
  /** The folder the server starts over (its rootUri); made under the temp dir (named `prefix…`) when not given. close() removes it. */
  workspace?: string;
  prefix?: string;
  /** What node runs: dist/server.js --stdio unless given (`ebpf-debugger lsp` is [dist/cli.js, 'lsp']). */
  argv?: string[];
  /** Over this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Run the server as this user (and the group of that number). */
  uid?: number;
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** More of initialize's parameters, over the defaults (e.g. `rootUri: null` and `workspaceFolders`). */
  initialize?: Partial<InitializeParams>;
  /**
   * The client's answers to the server's requests, by method, over the defaults: null to
   * client/registerCapability and workspace/codeLens/refresh (what an editor that asked for them answers).
   */
  requests?: Record<string, (params: never) => unknown>;
  /** Notifications to listen for besides publishDiagnostics (always recorded), by method. */
  notifications?: Record<string, (params: never) => void>;
}

export async function startLspServer(opts: LspServerOptions = {}) {
  const workspace = opts.workspace ?? mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? 'ebpf-lsp-'));
  const child = spawn(process.execPath, opts.argv ?? [path.join(DIST, 'server.js'), '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'], uid: opts.uid, gid: opts.uid, env: { ...process.env, ...opts.env },
  });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  /** Every publish, in order. */
  const published: PublishDiagnosticsParams[] = [];
  const latest = new Map<string, PublishDiagnosticsParams>();
  const waiting = new Map<string, ((p: PublishDiagnosticsParams) => boolean)[]>();
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    latest.set(p.uri, p);
    // a waiter that took this publish goes; the others wait on
    waiting.set(p.uri, (waiting.get(p.uri) ?? []).filter((take) => !take(p)));
  });
  for (const [method, handle] of Object.entries(opts.notifications ?? {})) conn.onNotification(method, handle as (p: unknown) => void);
  const requests = { 'client/registerCapability': () => null, 'workspace/codeLens/refresh': () => null, ...opts.requests };
  for (const [method, answer] of Object.entries(requests)) conn.onRequest(method, answer as (p: unknown) => unknown);
  conn.listen();
  const init: InitializeResult = await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: uriOf(workspace), capabilities: opts.capabilities ?? {},
    initializationOptions: opts.initializationOptions, ...opts.initialize,
  });
  await conn.sendNotification('initialized', {});

  const request = <T>(method: string, params?: object) => conn.sendRequest(method, params) as Promise<T>;
  return {
    conn, child, workspace, init, published,
    /** The last diagnostics published for `uri`, if any. */
    latest: (uri: string) => latest.get(uri),
    /**
     * The next diagnostics published for `uri` (of document version `version`, when given: an older text may be
     * published again meanwhile); fails (not hangs) when the server publishes none within `ms`.
     */
    nextDiagnostics: (uri: string, { version, ms = 15_000 }: { version?: number; ms?: number } = {}) =>
      new Promise<PublishDiagnosticsParams>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics published for ${uri}${version === undefined ? '' : ` version ${version}`} within ${ms / 1000} s`)), ms);
        const take = (p: PublishDiagnosticsParams) => {
          if (version !== undefined && p.version !== version) return false;
          clearTimeout(timer);
          resolve(p);
          return true;
        };
        waiting.set(uri, [...(waiting.get(uri) ?? []), take]);
      }),
    open: (uri: string, text: string, languageId = 'c', version = 1) =>
      conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } }),
    change: (uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]) =>
      conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges }),
    save: (uri: string) => conn.sendNotification('textDocument/didSave', { textDocument: { uri } }),
    closeDocument: (uri: string) => conn.sendNotification('textDocument/didClose', { textDocument: { uri } }),
    notify: (method: string, params?: object) => conn.sendNotification(method, params),
    request,
    hover: (uri: string, line: number, character: number) =>
      request<MarkdownHover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } }),
    codeLenses: <L = CodeLens>(uri: string) => request<L[]>('textDocument/codeLens', { textDocument: { uri } }),
    codeActions: <A = CodeAction>(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]) =>
      request<A[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } }),
    /** shutdown and exit, as an editor ends it; then the process is killed (should it hang) and the workspace removed. */
    close: async () => {
      await conn.sendRequest('shutdown').catch(() => undefined);
      await conn.sendNotification('exit').catch(() => undefined);
      conn.dispose();
      child.kill();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

export type LspServer = Awaited<ReturnType<typeof startLspServer>>;
