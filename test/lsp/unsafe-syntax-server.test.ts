import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { SETTINGS_READ_NOTIFICATION, type SettingsReadParams } from '../../core/lsp-ext';
import { LINT_SEVERITY_SETTING } from '../../core/settings';
import { startLspServer, type LspServer } from '../support/lsp-server';
import { runCli } from '../support/run-cli';

const XDP = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nSEC("xdp")\nint p(struct xdp_md *ctx)\n{\n\tchar b[4];\n' +
  '\tbpf_skb_load_bytes(ctx, 0, b, 4);\n\tbpf_printk("x");\n\treturn XDP_PASS;\n}\nchar LICENSE[] SEC("license") = "MIT";\n';

/** The bundled server with an editor that answers workspace/configuration with `setting` and can change it. */
describe('language server: unsafe-pattern diagnostics, their fixes, and ebpf.lint.severity', () => {
  let server: LspServer;
  let setting: unknown = { 'helper-prog-type': 'warning' };
  const asked: unknown[] = [];
  const next = (uri: string) => server.nextDiagnostics(uri);
  const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.code}:${d.severity}`).sort();
  /** The server's first read of the settings, applied (it is asked right after initialized). */
  let firstRead: Promise<SettingsReadParams>;

  before(async () => {
    let settingsRead: (r: SettingsReadParams) => void = () => undefined;
    firstRead = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not read its settings within 15 s (asked ${JSON.stringify(asked)})`)), 15_000);
      settingsRead = (r) => { clearTimeout(timer); resolve(r); };
    });
    server = await startLspServer({
      prefix: 'ebpf-unsafe-ws-',
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } },
      notifications: { [SETTINGS_READ_NOTIFICATION]: (r: SettingsReadParams) => settingsRead(r) },
      requests: {
        'workspace/configuration': (p: { items: { section?: string }[] }) => {
          asked.push(...p.items.map((i) => i.section));
          return p.items.map(() => setting);
        },
      },
    });
  });
  after(() => server?.close());

  it('reads the setting, applies it, and re-lints open documents when it changes', async () => {
    const uri = 'file:///tmp/unsafe-xdp.bpf.c';
    // opened after the first read applied: else its first lint may use the default severities
    assert.deepEqual(await firstRead, { read: 1, applied: true });
    assert.ok(asked.includes(LINT_SEVERITY_SETTING.name), `asked for ${JSON.stringify(asked)}`);
    const first = next(uri);
    await server.open(uri, XDP);
    // LSP severities: 1 error, 2 warning, 3 information
    assert.deepEqual(codes((await first).diagnostics), ['gpl-helper:1', 'helper-prog-type:2']);
    setting = { 'gpl-helper': 'off' };
    const second = next(uri);
    await server.notify('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(codes((await second).diagnostics), ['helper-prog-type:1']);
  });

  it('offers the mechanical fix as a quick fix: the probe read helper named for kernel memory', async () => {
    const uri = 'file:///tmp/unsafe-kprobe.bpf.c';
    const text = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nSEC("kprobe/x")\nint p(void *ctx)\n{\n\tlong v;\n' +
      '\tbpf_probe_read(&v, sizeof(v), ctx);\n\treturn v;\n}\nchar LICENSE[] SEC("license") = "GPL";\n';
    const got = next(uri);
    await server.open(uri, text);
    const diag = (await got).diagnostics.find((d) => d.code === 'probe-read')!;
    assert.equal(diag.range.start.line, 6);
    const actions = await server.codeActions<{ title: string; isPreferred?: boolean; edit: { changes: Record<string, { newText: string }[]> } }>(uri, diag.range, [diag]);
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
