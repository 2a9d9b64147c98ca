import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DocumentLink, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { WORKSPACE_TRUST_NOTIFICATION } from '../../core/lsp-ext';
import { EXAMPLES, REPO } from '../support/paths';
import { startVerifySession, until, uriOf, type VerifySession } from '../support/verify-session';

const lintOf = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.source !== 'eBPF verifier' && d.source !== 'clang');
const KEY_WITH_PROTO = 'struct key {\n\t__u32 addr;\n#ifdef WITH_PROTO\n\t__u8 proto;\n#endif\n};\n'
  + 'struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct key);\n\t__type(value, __u64);\n} m SEC(".maps");\n';

/**
 * Settings reach the running server (dist/server.js over stdio): each change is read again through
 * workspace/configuration after workspace/didChangeConfiguration and applies to the next lint or build, no restart.
 */
describe('settings take effect without a restart (language server over LSP)', () => {
  let s: VerifySession;
  before(async () => {
    s = await startVerifySession({ configuration: true });
  });
  after(() => s.close());
  const file = (name: string, text?: string) => {
    const f = path.join(s.workspace, name);
    mkdirSync(path.dirname(f), { recursive: true });
    if (text !== undefined) writeFileSync(f, text);
    return f;
  };
  /** The next lint publish of `f` after `from` that `ok` accepts. */
  const lintAfter = (f: string, from: number, ok: (rules: string[]) => boolean) =>
    s.publishedFor(f, from, (p) => ok(lintOf(p).map((d) => String(d.code))));

  it('ebpf.lint.exclude: a matching open document loses its lint diagnostics, and gets them back when the glob goes', async () => {
    const f = file('vendor/lib/null_deref.bpf.c');
    copyFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), f);
    let from = s.published.length;
    await s.open(f);
    await lintAfter(f, from, (rules) => rules.includes('null-check'));
    from = s.published.length;
    s.settings['ebpf.lint.exclude'] = ['vendor/**'];
    await s.changeSettings();
    await lintAfter(f, from, (rules) => rules.length === 0);
    from = s.published.length;
    s.settings['ebpf.lint.exclude'] = ['other/**'];
    await s.changeSettings();
    await lintAfter(f, from, (rules) => rules.includes('null-check'));
    delete s.settings['ebpf.lint.exclude'];
    await s.changeSettings();
  });

  it('a re-read of the settings that fails keeps the settings read before (not the defaults)', async () => {
    const f = file('vendor/keep/null_deref.bpf.c');
    copyFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), f);
    s.settings['ebpf.lint.exclude'] = ['vendor/**'];
    await s.changeSettings();
    let from = s.published.length;
    await s.open(f);
    await lintAfter(f, from, (rules) => rules.length === 0);
    from = s.published.length;
    s.configuration.fails = true;
    try {
      assert.equal((await s.changeSettings()).applied, false, 'the failed read applies nothing');
      // the document's next lint (an edit) still sees lint.exclude: with the defaults it would get null-check
      await s.notify('textDocument/didChange', { textDocument: { uri: uriOf(f), version: 2 }, contentChanges: [{ text: `${readFileSync(f, 'utf8')}\n` }] });
      const relinted = await s.publishedFor(f, from, (p) => p.version === 2);
      assert.deepEqual(lintOf(relinted), [], 'lint.exclude still holds after the failed read');
    } finally {
      s.configuration.fails = false;
    }
    from = s.published.length;
    delete s.settings['ebpf.lint.exclude'];
    await s.changeSettings();
    await lintAfter(f, from, (rules) => rules.includes('null-check'));
  });

  it('ebpf.cflags: its -D decides the #ifdef of a map key the lints lay out', async () => {
    const f = file('keyed.bpf.c', KEY_WITH_PROTO);
    let from = s.published.length;
    await s.open(f);
    const first = await s.publishedFor(f, from, () => true);
    assert.deepEqual(lintOf(first), [], 'without WITH_PROTO the key has no padding');
    from = s.published.length;
    s.settings['ebpf.cflags'] = ['-Wall', '-DWITH_PROTO'];
    await s.changeSettings();
    await lintAfter(f, from, (rules) => rules.includes('c-map-key-padding'));
    from = s.published.length;
    delete s.settings['ebpf.cflags'];
    await s.changeSettings();
    await lintAfter(f, from, (rules) => rules.length === 0);
  });

  it('ebpf.clang.path: the clang the lints read system headers\' macros with', async () => {
    const src = '#include <linux/if_ether.h>\n' + KEY_WITH_PROTO.replace('#ifdef WITH_PROTO', '#if ETH_P_IPV6 == 0x86DD');
    const f = file('sysmacro.bpf.c', src);
    const padding = (p: PublishDiagnosticsParams) => lintOf(p).find((d) => d.code === 'c-map-key-padding');
    let from = s.published.length;
    await s.open(f);
    assert.equal(padding(await s.publishedFor(f, from, (p) => padding(p) !== undefined))!.severity, 2, 'laid out: ETH_P_IPV6 read from the header');
    from = s.published.length;
    s.settings['ebpf.clang.path'] = '/nonexistent/clang-99';
    await s.changeSettings();
    const unknown = (p: PublishDiagnosticsParams) => lintOf(p).find((d) => d.code === 'layout-unknown');
    const without = await s.publishedFor(f, from, (p) => unknown(p) !== undefined);
    assert.equal(padding(without), undefined);
    assert.match(unknown(without)!.message, /was not laid out[\s\S]*ETH_P_IPV6 may be defined in <linux\/if_ether\.h>/, 'no clang: the #if cannot be decided, and the lint says so instead of guessing');
    from = s.published.length;
    delete s.settings['ebpf.clang.path'];
    await s.changeSettings();
    await s.publishedFor(f, from, (p) => padding(p)?.severity === 2);
  });

  it('ebpf.cflags: appended to the verify-on-save build', async () => {
    const rejected = readFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), 'utf8');
    const f = file('flagged.bpf.c', rejected.replace('\t*count += 1;', '#ifdef CHECKED\n\tif (!count)\n\t\treturn XDP_PASS;\n#endif\n\t*count += 1;'));
    await s.open(f);
    let from = s.statuses.length;
    await s.save(f);
    assert.equal((await s.verdictAfter(from, f)).rejected, 1, 'without the flag the check is compiled out');
    s.settings['ebpf.cflags'] = ['-DCHECKED'];
    await s.changeSettings();
    from = s.statuses.length;
    await s.save(f);
    assert.deepEqual(await s.verdictAfter(from, f).then((x) => [x.state, x.verified, x.rejected]), ['done', 1, 0], 'built with -DCHECKED');
    delete s.settings['ebpf.cflags'];
    await s.changeSettings();
  });

  it('ebpf.bpftool.path: the bpftool that generates vmlinux.h for a source including it', async () => {
    const src = readFileSync(path.join(EXAMPLES, 'count_ok.bpf.c'), 'utf8').replace('#include <linux/bpf.h>', '#include "vmlinux.h"');
    assert.match(src, /vmlinux\.h/);
    const f = file('core/with_vmlinux.bpf.c', src);
    s.settings['ebpf.bpftool.path'] = '/nonexistent/bpftool-9';
    await s.changeSettings();
    await s.open(f);
    let from = s.statuses.length;
    await s.save(f);
    assert.equal((await s.verdictAfter(from, f)).state, 'failed');
    // said right after the failed status: it may arrive a moment after it
    await until(() => s.messages.find((m) => /\/nonexistent\/bpftool-9 cannot be run: ENOENT[\s\S]*ebpf\.bpftool\.path/.test(m.message)), () => JSON.stringify(s.messages));
    delete s.settings['ebpf.bpftool.path']; // bpftool on PATH (the session's own build cache has no vmlinux.h yet)
    await s.changeSettings();
    from = s.statuses.length;
    writeFileSync(f, `${src}// again\n`);
    await s.save(f);
    const done = await s.verdictAfter(from, f);
    assert.deepEqual([done.state, done.rejected], ['done', 0], JSON.stringify(done));
  });

  it('ebpf.symbolTags: an open verifier log links only the named tags\' <TAG>_SYM: lines', async () => {
    file('gosrc/main.go', 'package main\n\nfunc process() {\n}\n');
    const log = readFileSync(path.join(REPO, 'test', 'fixtures', 'replay', 'null_deref.log'), 'utf8') + 'GO_SYM: main.process+0x28\n';
    const f = file('saved/run.bpflog', log);
    await s.open(f, 'bpf-verifier-log');
    const linked = async () => {
      const links = await s.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: uriOf(f) } });
      return links.filter((l) => log.split('\n')[l.range.start.line].startsWith('GO_SYM:')).length;
    };
    assert.equal(await linked(), 1, 'every tag by default');
    s.settings['ebpf.symbolTags'] = ['RUST'];
    await s.changeSettings();
    assert.equal(await linked(), 0, 'GO is not named');
    s.settings['ebpf.symbolTags'] = ['GO'];
    await s.changeSettings();
    assert.equal(await linked(), 1);
    delete s.settings['ebpf.symbolTags'];
    await s.changeSettings();
  });
});

describe('workspace trust reaches the running server', () => {
  it('untrusted: nothing is built and the lints still run; trusted later (ebpf/workspaceTrust): the next save verifies', async () => {
    const s = await startVerifySession({ configuration: true, initializationOptions: { trusted: false } });
    try {
      const f = path.join(s.workspace, 'null_deref.bpf.c');
      copyFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), f);
      const from = s.published.length;
      await s.open(f);
      await s.publishedFor(f, from, (p) => lintOf(p).some((d) => d.code === 'null-check'));
      await s.save(f);
      await s.roundTrip(); // a save that builds has said so by now
      assert.deepEqual(s.statuses, [], 'untrusted: neither built nor verified');
      await s.notify(WORKSPACE_TRUST_NOTIFICATION, { trusted: true }); // handled before the save that follows it
      await s.save(f);
      const verdict = await s.verdictAfter(0, f);
      assert.equal(verdict.rejected, 1, JSON.stringify([s.statuses, s.messages]));
    } finally {
      await s.close();
    }
  });
});
