import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { startLspServer, until, type LspServer } from '../support/lsp-server';
import { DIST, EXAMPLES } from '../support/paths';

/** `ebpf-debugger lsp` (dist/cli.js): the same language server on stdio, as Neovim, Helix or Emacs start it. */
describe('ebpf-debugger lsp', () => {
  let server: LspServer;

  before(async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'ebpf-lsp-cmd-'));
    // an editor without workspace/configuration (a bare client): the settings' defaults apply
    server = await startLspServer({ workspace, argv: [path.join(DIST, 'cli.js'), 'lsp'], env: { XDG_CACHE_HOME: path.join(workspace, '.cache') } });
  });
  after(() => server?.close());

  it('answers initialize as the extension\'s server does, lints as you type and verifies on save', async () => {
    const { init, published } = server;
    assert.equal(init.serverInfo?.name, 'ebpf-debugger');
    assert.ok(init.capabilities.hoverProvider && init.capabilities.codeActionProvider);
    const file = path.join(server.workspace, 'padded_key.bpf.c');
    copyFileSync(path.join(EXAMPLES, 'padded_key.bpf.c'), file);
    const uri = pathToFileURL(file).href;
    await server.open(uri, readFileSync(file, 'utf8'));
    const wait = (ok: (p: PublishDiagnosticsParams) => boolean) =>
      until(() => published.find((p) => p.uri === uri && ok(p)), () => `no such diagnostics for ${uri}: ${JSON.stringify(published)}`);
    const linted = await wait((p) => p.diagnostics.some((d) => d.code === 'c-map-key-padding'));
    assert.equal(linted.diagnostics.filter((d) => d.source === 'eBPF verifier').length, 0, 'not verified before a save');
    const before = published.length;
    await server.save(uri);
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
