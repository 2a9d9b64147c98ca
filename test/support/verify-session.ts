/**
 * A language server (dist/server.js over stdio, started by lsp-server.ts) for verify-on-save tests: what it published,
 * said and reported, and an editor's settings it answers workspace/configuration from.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { SETTINGS_READ_NOTIFICATION, VERIFY_STATUS_NOTIFICATION, type SettingsReadParams, type VerifyStatusParams } from '../../core/lsp-ext';
import { VERDICTS_NOTIFICATION, type VerdictsEventBody } from '../../core/editor-events';
import { startLspServer, until, uriOf } from './lsp-server';

export { until, uriOf };
export const verifierOf = (p: PublishDiagnosticsParams): Diagnostic[] => p.diagnostics.filter((d) => d.source === 'eBPF verifier');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A status that ends a run for `source`: its verdict, or its failure. */
export const verdictFor = (source: string) => (s: VerifyStatusParams) => s.source === source && (s.state === 'done' || s.state === 'failed');

/**
 * A FIFO that a source #includes: clang blocks reading it, so a test knows that clang has read the saved text and is
 * still building (opened()), for as long as the test needs, with no timer. release() lets clang go on.
 */
export function clangGate(dir: string, name = 'gate.fifo') {
  const file = path.join(dir, name);
  rmSync(file, { force: true });
  execFileSync('mkfifo', [file]);
  let writer: FileHandle | undefined;
  return {
    include: `#include "${name}"\n`,
    /** Resolves once clang opened the gate (it has read the source up to the #include). */
    opened: async (ms = 20_000) => {
      let timedOut = false;
      // our own reader ends the wait for clang's, else the pending open would never return
      const timer = setTimeout(() => {
        timedOut = true;
        closeSync(openSync(file, constants.O_RDONLY | constants.O_NONBLOCK));
      }, ms);
      writer = await open(file, 'w');
      clearTimeout(timer);
      if (timedOut) throw new Error(`clang did not read ${file} within ${ms} ms: the build never reached the #include`);
    },
    /** The gate's path becomes an empty file (what clang reads through the FIFO), then clang reads the end of it. */
    release: async () => {
      writeFileSync(`${file}.tmp`, '');
      renameSync(`${file}.tmp`, file);
      await writer?.close();
      writer = undefined;
    },
    close: async () => {
      await writer?.close().catch(() => undefined);
      rmSync(file, { force: true });
    },
  };
}

export interface SessionOptions {
  /** Answer workspace/configuration from `settings` (else the client says it cannot). */
  configuration?: boolean;
  initializationOptions?: unknown;
  /** Run the server as this user (the workspace is made theirs). */
  uid?: number;
  env?: NodeJS.ProcessEnv;
}

export async function startVerifySession(opts: SessionOptions = {}) {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'ebpf-vos-'));
  if (opts.uid !== undefined) chmodSync(workspace, 0o777);
  const statuses: VerifyStatusParams[] = [];
  const messages: { type: number; message: string }[] = [];
  const verdicts: VerdictsEventBody[] = [];
  const settings: Record<string, unknown> = {};
  const settingsReads: SettingsReadParams[] = [];
  // the editor's settings: null for those the user did not set (the server's defaults apply)
  const configuration = { fails: false, answered: 0 };
  const server = await startLspServer({
    workspace, uid: opts.uid,
    // a build cache of the test's own: nothing is shared with other runs
    env: { XDG_CACHE_HOME: path.join(workspace, '.cache'), ...opts.env },
    initializationOptions: opts.initializationOptions,
    capabilities: opts.configuration ? { workspace: { configuration: true } } : {},
    notifications: {
      [VERIFY_STATUS_NOTIFICATION]: (s: VerifyStatusParams) => statuses.push(s),
      'window/showMessage': (m: { type: number; message: string }) => messages.push(m),
      [VERDICTS_NOTIFICATION]: (v: VerdictsEventBody) => verdicts.push(v),
      [SETTINGS_READ_NOTIFICATION]: (r: SettingsReadParams) => settingsReads.push(r),
    },
    requests: {
      'workspace/configuration': (p: { items: { section?: string }[] }) => {
        configuration.answered++; // the server's read number `answered` (its requests come, and are answered, in order)
        if (configuration.fails) throw new Error('the editor could not answer');
        return p.items.map((i) => settings[i.section ?? ''] ?? null);
      },
    },
  });
  const { conn, published } = server;
  const codeActions = (file: string, line: number, diagnostics: Diagnostic[]) =>
    server.codeActions(uriOf(file), { start: { line, character: 0 }, end: { line, character: 1000 } }, diagnostics);

  return {
    workspace, published, statuses, messages, settings, verdicts,
    /** Set `fails` to make the editor's workspace/configuration answers errors. */
    configuration,
    open: (file: string, languageId = 'c') => server.open(uriOf(file), readFileSync(file, 'utf8'), languageId),
    notify: (method: string, params: object) => server.notify(method, params),
    request: <T>(method: string, params: object) => server.request<T>(method, params),
    save: (file: string) => server.save(uriOf(file)),
    /**
     * The settings changed: the server asks for them again. Resolves once it ended a read that this client answered
     * after the change (ebpf/settingsRead), applied or not: what the test sends next meets the settings it set.
     */
    changeSettings: async (ms = 20_000): Promise<SettingsReadParams> => {
      const before = configuration.answered; // answers given before the change may hold the old settings
      await conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
      return until(() => settingsReads.find((r) => r.read > before),
        () => `the server ended no read of the settings answered after the change (answered ${configuration.answered}, reads ${JSON.stringify(settingsReads)})`, ms);
    },
    /** The first publish for `file` after `from` (an index into published) that satisfies `ok`. */
    publishedFor: (file: string, from: number, ok: (p: PublishDiagnosticsParams) => boolean) =>
      until(() => published.slice(from).find((p) => p.uri === uriOf(file) && ok(p)),
        () => `no matching diagnostics for ${file}; got ${JSON.stringify(published.slice(from).filter((p) => p.uri === uriOf(file)))}`),
    /** The verdict (or failure) for `source` reported after `from` (an index into statuses). */
    verdictAfter: (from: number, source: string) =>
      until(() => statuses.slice(from).find(verdictFor(source)),
        () => `no verdict for ${source}: ${JSON.stringify(statuses.slice(from))}`),
    /**
     * The diagnostics published for `file` with the verdict `save()` brings: after the verdict's status, the last
     * publish (a lint publish of the same document may come first, merged with the previous verdict).
     */
    afterVerdict: async (file: string, source: string, save: () => Promise<void>) => {
      const from = statuses.length;
      await save();
      // from the run this save started: the status of the run before it may still arrive after its diagnostics did
      const verdict = () => {
        const after = statuses.slice(from);
        const started = after.findIndex((x) => x.source === source && x.state === 'building');
        return started < 0 ? undefined : after.slice(started).find(verdictFor(source));
      };
      await until(verdict, () => `no verdict for ${source}`);
      return published.filter((p) => p.uri === uriOf(file)).at(-1)!;
    },
    codeActions,
    /**
     * The code actions at `line` once one is a fix the kernel verified (the fixes are tried in the background after a
     * reject is published, with no word when done), or the last ones after `ms`: the test's assertion says what came.
     */
    verifiedActions: async (file: string, line: number, diagnostics: Diagnostic[], ms = 60_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const actions = await codeActions(file, line, diagnostics);
        if (actions.some((a) => a.title.endsWith('(verified by the kernel)')) || Date.now() > deadline) return actions;
        await sleep(20);
      }
    },
    /**
     * A round trip: the server answered a request sent now (one it does not know: an error, in order), so it handled
     * every notification sent before, and what it sent while handling them has arrived. A save that builds says
     * 'building' as it is handled: after this, no status means the save started nothing.
     */
    roundTrip: () => conn.sendRequest('ebpf/test/roundTrip').then(() => undefined, () => undefined),
    close: server.close,
  };
}

export type VerifySession = Awaited<ReturnType<typeof startVerifySession>>;
