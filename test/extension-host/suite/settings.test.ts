/**
 * Settings in the real editor: VS Code knows each one core/settings.ts declares (with its default), and a setting
 * changed in the workspace reaches the running language server and applies to the next lint, without a reload.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { SETTINGS } from '../../../core/settings';
import { api, endDebugSessions, startDebugSession, workspaceFile, waitFor } from '../support';

const NULL_DEREF = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n\nstruct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__uint(max_entries, 64);\n'
  + '\t__type(key, __u32);\n\t__type(value, __u64);\n} counts SEC(".maps");\n\nSEC("xdp")\nint settings_null(struct xdp_md *ctx)\n{\n'
  + '\t__u32 key = ctx->ingress_ifindex;\n\t__u64 *count = bpf_map_lookup_elem(&counts, &key);\n\n\t*count += 1;\n\treturn XDP_PASS;\n}\n\n'
  + 'char LICENSE[] SEC("license") = "GPL";\n';
const KEY_WITH_PROTO = 'struct settings_key {\n\t__u32 addr;\n#ifdef WITH_PROTO\n\t__u8 proto;\n#endif\n};\n'
  + 'struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct settings_key);\n\t__type(value, __u64);\n} keyed SEC(".maps");\n';

const config = () => vscode.workspace.getConfiguration();
const codes = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).map((d) => String(typeof d.code === 'object' ? d.code.value : d.code));
const lintCodes = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source !== 'eBPF verifier' && d.source !== 'clang')
  .map((d) => String(typeof d.code === 'object' ? d.code.value : d.code));

describe('settings', () => {
  const made: vscode.Uri[] = [];
  /** A source of this suite's own, opened (not saved again: verify on save stays out of it). */
  async function open(name: string, text: string): Promise<vscode.Uri> {
    const uri = workspaceFile(name);
    writeFileSync(uri.fsPath, text);
    made.push(uri);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    return uri;
  }

  before(async () => {
    for (const s of SETTINGS) await config().update(s.name, undefined, vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    for (const key of ['ebpf.lint.exclude', 'ebpf.lint.severity', 'ebpf.cflags', 'ebpf.clang.path']) await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const uri of made) rmSync(uri.fsPath, { force: true });
  });

  it('VS Code knows every declared setting with its default (none dropped from the schema)', () => {
    for (const s of SETTINGS) {
      const seen = config().inspect(s.name);
      assert.ok(seen, `${s.name} is not known to VS Code`);
      assert.deepEqual(seen.defaultValue, s.default, s.name);
    }
  });

  it('ebpf.lint.exclude and ebpf.lint.severity, changed in the workspace, apply to the open document at once', async function () {
    this.timeout(120_000);
    const uri = await open('settings_null.bpf.c', NULL_DEREF);
    await waitFor('the null-check lint', () => codes(uri).includes('null-check'), 60_000);
    await config().update('ebpf.lint.exclude', ['settings_*.bpf.c'], vscode.ConfigurationTarget.Workspace);
    await waitFor('no lint diagnostics on the excluded file', () => lintCodes(uri).length === 0 || undefined);
    await config().update('ebpf.lint.exclude', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('the null-check lint back', () => codes(uri).includes('null-check'));
    await config().update('ebpf.lint.severity', { 'null-check': 'off' }, vscode.ConfigurationTarget.Workspace);
    await waitFor('null-check turned off', () => !codes(uri).includes('null-check'));
    await config().update('ebpf.lint.severity', { 'null-check': 'info' }, vscode.ConfigurationTarget.Workspace);
    const info = await waitFor('null-check as an information', () =>
      vscode.languages.getDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Information && String(typeof d.code === 'object' ? d.code.value : d.code) === 'null-check'));
    assert.match(info.message, /count may be NULL here/);
  });

  it('ebpf.cflags: its -D decides the #ifdef of a map key the lints lay out', async function () {
    this.timeout(120_000);
    const uri = await open('settings_key.bpf.c', KEY_WITH_PROTO);
    await waitFor('the document analysed', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 9));
      return hovers.length > 0;
    }, 60_000);
    assert.ok(!codes(uri).includes('c-map-key-padding'), 'without WITH_PROTO the key has no padding');
    await config().update('ebpf.cflags', ['-DWITH_PROTO'], vscode.ConfigurationTarget.Workspace);
    await waitFor('the key padding lint with -DWITH_PROTO', () => codes(uri).includes('c-map-key-padding'));
    await config().update('ebpf.cflags', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('the lint gone again', () => !codes(uri).includes('c-map-key-padding'));
  });

  it('Verify Object builds with ebpf.cflags and ebpf.clang.path as they are at the command', async function () {
    this.timeout(180_000);
    const uri = workspaceFile('settings_checked.bpf.c');
    writeFileSync(uri.fsPath, NULL_DEREF.replace('\t*count += 1;', '#ifdef CHECKED\n\tif (!count)\n\t\treturn XDP_PASS;\n#endif\n\t*count += 1;'));
    made.push(uri);
    type Report = { programs: { verdict: string }[] } | undefined;
    const verdicts = async () => ((await vscode.commands.executeCommand<Report>('ebpf.verifyObject', uri))?.programs ?? []).map((p) => p.verdict);
    assert.deepEqual(await verdicts(), ['rejected'], 'without -DCHECKED the check is compiled out');
    await config().update('ebpf.cflags', ['-DCHECKED'], vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(await verdicts(), ['accepted'], 'built with -DCHECKED');
    await config().update('ebpf.clang.path', '/nonexistent/clang-99', vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(await verdicts(), [], 'the configured clang cannot run: nothing verified');
  });

  it('a debug session of a .bpf.c builds with ebpf.cflags, and the launch\'s own build arguments win', async function () {
    this.timeout(180_000);
    const src = workspaceFile('settings_debug.bpf.c');
    writeFileSync(src.fsPath, NULL_DEREF.replace('\t*count += 1;', '#ifdef CHECKED\n\tif (!count)\n\t\treturn XDP_PASS;\n#endif\n\t*count += 1;'));
    made.push(src);
    await config().update('ebpf.clang.path', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('ebpf.cflags', ['-DCHECKED'], vscode.ConfigurationTarget.Workspace);
    const { verdicts } = await api();
    /** The verdict of one session's run (recorded by the debug origin after `since`). */
    const debugVerdict = async (name: string, build?: string[]) => {
      const since = Date.now();
      const session = await startDebugSession({ name, program: src.fsPath, ...(build ? { build } : {}) });
      const entry = await waitFor(`${name}'s verdict`, () => {
        const e = verdicts.latest(src.fsPath, 'settings_null', 'host');
        return e && e.origin === 'debug' && e.at >= since && e;
      }, 90_000);
      await endDebugSessions(session);
      return entry.program.verdict;
    };
    assert.equal(await debugVerdict('settings: cflags'), 'accepted', 'built with -DCHECKED from ebpf.cflags');
    assert.equal(await debugVerdict('settings: launch build wins', ['-UCHECKED']), 'rejected', 'the launch\'s -UCHECKED comes after');
  });
});
