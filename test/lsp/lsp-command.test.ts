import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { DIST, EXAMPLES } from '../support/paths';

/** `ebpf-debugger lsp` (dist/cli.js): the same language server on stdio, as Neovim, Helix or Emacs start it. */
describe('ebpf-debugger lsp', () => {
  let child: ChildProcess;
  let conn: MessageConnection;
  let workspace: string;
  let init: InitializeResult;
  const published: PublishDiagnosticsParams[] = [];

  before(async () => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'ebpf-lsp-cmd-'));
    child = spawn(process.execPath, [path.join(DIST, 'cli.js'), 'lsp'], {
      stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: path.join(workspace, '.cache') },
    });
    conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => published.push(p));
    conn.listen();
    // an editor without workspace/configuration (a bare client): the settings' defaults apply
    init = await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(workspace).href, capabilities: {} });
    await conn.sendNotification('initialized', {});
  });
  after(async () => {
    await conn.sendRequest('shutdown').catch(() => undefined);
    await conn.sendNotification('exit').catch(() => undefined);
    conn.dispose();
    child.kill();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('answers initialize as the extension\'s server does, lints as you type and verifies on save', async () => {
    assert.equal(init.serverInfo?.name, 'ebpf-debugger');
    assert.ok(init.capabilities.hoverProvider && init.capabilities.codeActionProvider);
    const file = path.join(workspace, 'padded_key.bpf.c');
    copyFileSync(path.join(EXAMPLES, 'padded_key.bpf.c'), file);
    const uri = pathToFileURL(file).href;
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: readFileSync(file, 'utf8') } });
    const wait = async (ok: (p: PublishDiagnosticsParams) => boolean) => {
      for (let i = 0; i < 1000; i++) {
        const hit = published.find((p) => p.uri === uri && ok(p));
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no such diagnostics for ${uri}: ${JSON.stringify(published)}`);
    };
    const linted = await wait((p) => p.diagnostics.some((d) => d.code === 'c-map-key-padding'));
    assert.equal(linted.diagnostics.filter((d) => d.source === 'eBPF verifier').length, 0, 'not verified before a save');
    const before = published.length;
    await conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
    // padded_key is accepted by the kernel: the verdict republishes the lints, with no verifier error
    const after = await wait((p) => published.indexOf(p) >= before);
    assert.ok(after.diagnostics.some((d) => d.code === 'c-map-key-padding'), 'the lint stays');
    assert.deepEqual(after.diagnostics.filter((d) => d.source === 'eBPF verifier'), []);
  });

  it('refuses arguments it does not know, saying so', () => {
    const res = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'lsp', '--port', '4000'], { encoding: 'utf8' });
    assert.equal(res.status, 2);
    assert.match(res.stderr, /ebpf-debugger lsp: unknown argument --port/);
  });
});
