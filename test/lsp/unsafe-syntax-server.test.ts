import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { SETTINGS_READ_NOTIFICATION, type SettingsReadParams } from '../../core/lsp-ext';
import { LINT_SEVERITY_SETTING } from '../../core/settings';
import { DIST } from '../support/paths';
import { runCli } from '../support/run-cli';

const XDP = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nSEC("xdp")\nint p(struct xdp_md *ctx)\n{\n\tchar b[4];\n' +
  '\tbpf_skb_load_bytes(ctx, 0, b, 4);\n\tbpf_printk("x");\n\treturn XDP_PASS;\n}\nchar LICENSE[] SEC("license") = "MIT";\n';

/** The bundled server with an editor that answers workspace/configuration with `setting` and can change it. */
describe('language server: unsafe-pattern diagnostics, their fixes, and ebpf.lint.severity', () => {
  let child: ChildProcess;
  let conn: MessageConnection;
  let setting: unknown = { 'helper-prog-type': 'warning' };
  const asked: unknown[] = [];
  const waiting = new Map<string, (p: PublishDiagnosticsParams) => void>();
  const next = (uri: string) => new Promise<PublishDiagnosticsParams>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within 15 s`)), 15_000);
    waiting.set(uri, (p) => { clearTimeout(timer); resolve(p); });
  });
  const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.code}:${d.severity}`).sort();
  /** The server's first read of the settings, applied (it is asked right after initialized). */
  let firstRead: Promise<SettingsReadParams>;

  before(async () => {
    child = spawn(process.execPath, [path.join(DIST, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => waiting.get(p.uri)?.(p));
    firstRead = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not read its settings within 15 s (asked ${JSON.stringify(asked)})`)), 15_000);
      conn.onNotification(SETTINGS_READ_NOTIFICATION, (r: SettingsReadParams) => { clearTimeout(timer); resolve(r); });
    });
    conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => {
      asked.push(...p.items.map((i) => i.section));
      return p.items.map(() => setting);
    });
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/codeLens/refresh', () => null);
    conn.listen();
    const root = pathToFileURL(mkdtempSync(path.join(os.tmpdir(), 'ebpf-unsafe-ws-'))).href;
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: root,
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } } });
    await conn.sendNotification('initialized', {});
  });
  after(async () => {
    await conn.sendRequest('shutdown').catch(() => undefined);
    conn.dispose();
    child.kill();
  });

  it('reads the setting, applies it, and re-lints open documents when it changes', async () => {
    const uri = 'file:///tmp/unsafe-xdp.bpf.c';
    // opened after the first read applied: else its first lint may use the default severities
    assert.deepEqual(await firstRead, { read: 1, applied: true });
    assert.ok(asked.includes(LINT_SEVERITY_SETTING.name), `asked for ${JSON.stringify(asked)}`);
    const first = next(uri);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: XDP } });
    // LSP severities: 1 error, 2 warning, 3 information
    assert.deepEqual(codes((await first).diagnostics), ['gpl-helper:1', 'helper-prog-type:2']);
    setting = { 'gpl-helper': 'off' };
    const second = next(uri);
    await conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(codes((await second).diagnostics), ['helper-prog-type:1']);
  });

  it('offers the mechanical fix as a quick fix: the probe read helper named for kernel memory', async () => {
    const uri = 'file:///tmp/unsafe-kprobe.bpf.c';
    const text = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nSEC("kprobe/x")\nint p(void *ctx)\n{\n\tlong v;\n' +
      '\tbpf_probe_read(&v, sizeof(v), ctx);\n\treturn v;\n}\nchar LICENSE[] SEC("license") = "GPL";\n';
    const got = next(uri);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    const diag = (await got).diagnostics.find((d) => d.code === 'probe-read')!;
    assert.equal(diag.range.start.line, 6);
    const actions = await conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } }) as
      { title: string; isPreferred?: boolean; edit: { changes: Record<string, { newText: string }[]> } }[];
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred ?? false]), [['Use bpf_probe_read_kernel()', true], ['Use bpf_probe_read_user()', false]]);
    assert.deepEqual(actions[0].edit.changes[uri].map((e) => e.newText), ['bpf_probe_read_kernel']);
  });

  it('lint --sarif describes each unsafe rule it reports; --severity applies to the CLI the same way', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ebpf-unsafe-sarif-')), 'p.bpf.c');
    writeFileSync(file, XDP);
    const sarif = JSON.parse(runCli(['lint', file, '--sarif']).stdout);
    const rules = Object.fromEntries(sarif.runs[0].tool.driver.rules.map((r: { id: string; shortDescription?: { text: string } }) => [r.id, r.shortDescription?.text]));
    assert.match(rules['helper-prog-type'], /program type cannot call/);
    assert.match(rules['gpl-helper'], /GPL-compatible LICENSE/);
    const r = runCli(['lint', file, '--json', '--severity', 'gpl-helper=off', '--severity', 'helper-prog-type=info']);
    assert.equal(r.code, 0, 'nothing above info is left');
    assert.deepEqual(JSON.parse(r.stdout).findings.map((f: { rule: string; severity: string }) => `${f.rule}:${f.severity}`), ['helper-prog-type:info']);
    assert.equal(runCli(['lint', file, '--severity', 'gpl-helper']).code, 2);
  });
});
