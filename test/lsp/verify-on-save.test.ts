import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { EXAMPLES } from '../support/paths';
import { lineOf } from '../support/programs';
import { clangGate, sleep, startVerifySession, uriOf, verifierOf, type VerifySession } from '../support/verify-session';

const rejected = readFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), 'utf8');
const fixed = rejected.replace('\t*count += 1;', '\tif (!count)\n\t\treturn XDP_PASS;\n\t*count += 1;');
const rejectLine = rejected.split('\n').findIndex((l) => l.includes('*count += 1'));
const lookupLine = rejected.split('\n').findIndex((l) => l.includes('= bpf_map_lookup_elem('));

/** Verify on save, through the bundled server over stdio: real clang, the real kernel. */
describe('verify on save (dist/server.js over LSP, real clang and kernel)', () => {
  let s: VerifySession;
  let file: (name: string, text?: string) => string;
  before(async () => {
    s = await startVerifySession({ configuration: true });
    file = (name, text) => {
      const f = path.join(s.workspace, name);
      if (text !== undefined) writeFileSync(f, text);
      return f;
    };
  });
  after(() => s.close());

  it('a saved rejected program gets the verifier\'s diagnostic at the reject line; fixed and saved, it clears', async () => {
    const f = file('null_deref.bpf.c');
    copyFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), f);
    await s.open(f);
    const from = s.published.length;
    await s.save(f);
    const got = await s.publishedFor(f, from, (p) => verifierOf(p).length > 0);
    const [d] = verifierOf(got);
    assert.equal(d.severity, 1);
    assert.equal(d.range.start.line, rejectLine);
    assert.equal(d.code, 'null-deref');
    assert.match(d.message, /^null_deref: R\d+ invalid mem access 'map_value_or_null'\nPossible NULL dereference\. Test it first/);
    // the causal path's steps, in order: the lookup that made R0 map_value_or_null is the origin
    const related = d.relatedInformation ?? [];
    assert.ok(related.length > 0, 'the causal path');
    assert.ok(related.every((r) => r.location.uri === got.uri));
    assert.ok(related.every((r) => /^\w+: \S/.test(r.message)), JSON.stringify(related.map((r) => r.message)));
    const [origin] = related;
    assert.match(origin.message, /^origin: R0 = map_value_or_null .*bpf_map_lookup_elem/, 'the path starts at its origin');
    assert.equal(origin.location.range.start.line, lookupLine, 'the origin is the bpf_map_lookup_elem line');

    writeFileSync(f, fixed);
    const cleared = await s.afterVerdict(f, f, () => s.save(f));
    assert.deepEqual(verifierOf(cleared), []);
  });

  it('a reject in a subprogram: its related information is the whole causal path, in order (the lookup, then the call)', async () => {
    const f = file('subprog_reject.bpf.c', readFileSync(path.join(EXAMPLES, 'subprog_reject.bpf.c'), 'utf8'));
    await s.open(f);
    const from = s.published.length;
    await s.save(f);
    const [d] = verifierOf(await s.publishedFor(f, from, (p) => verifierOf(p).length > 0));
    assert.equal(d.range.start.line, lineOf(f, /s->packets \+= 1;/) - 1, 'the reject, inside account()');
    // each step: its document, its role (the message's first word) and its 0-based line, found by the source's text
    const steps = (d.relatedInformation ?? []).map((r) => [r.location.uri, r.message.slice(0, r.message.indexOf(':')), r.location.range.start.line]);
    assert.deepEqual(steps, [
      [uriOf(f), 'origin', lineOf(f, /= bpf_map_lookup_elem\(/) - 1],
      [uriOf(f), 'call', lineOf(f, /account\(s,/) - 1],
    ]);
  });

  it('offers the lint\'s fix for the reject, verified on a scratch copy by the kernel, without touching the file', async () => {
    const f = file('fix_me.bpf.c', rejected);
    await s.open(f);
    const from = s.published.length;
    await s.save(f);
    const got = await s.publishedFor(f, from, (p) => verifierOf(p).length > 0);
    const diagnostics = got.diagnostics; // the lint's null-check and the verifier's reject, as an editor passes them
    const actions = await s.verifiedActions(f, rejectLine, diagnostics);
    const verified = actions.find((a) => a.title.endsWith('(verified by the kernel)'));
    assert.ok(verified, `a verified fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(verified.title, 'Return early when count is NULL (verified by the kernel)');
    assert.equal(verified.isPreferred, true);
    assert.deepEqual(verified.diagnostics!.map((d) => d.source).sort(), ['eBPF verifier', 'ebpf'], 'one action for the lint\'s and the kernel\'s diagnostic');
    assert.equal(actions.filter((a) => JSON.stringify(a.edit) === JSON.stringify(verified.edit)).length, 1);
    assert.equal(readFileSync(f, 'utf8'), rejected, 'the user\'s file is untouched');
    // applied and saved, the reject goes
    const doc = TextDocument.create(uriOf(f), 'c', 1, rejected);
    writeFileSync(f, TextDocument.applyEdits(doc, verified.edit!.changes![uriOf(f)]));
    assert.deepEqual(verifierOf(await s.afterVerdict(f, f, () => s.save(f))), []);
  });

  it('a save during a running build: the build is stopped, and only the latest text\'s verdict is published', async () => {
    const f = file('racy.bpf.c', fixed);
    await s.open(f);
    let fromStatus = s.statuses.length;
    await s.save(f);
    await s.verdictAfter(fromStatus, f);
    // the reject is saved, and while clang builds it (held at the FIFO it includes) the fix is saved
    const gate = clangGate(s.workspace, 'racy-gate.fifo');
    try {
      const from = s.published.length;
      const fromReports = s.verdicts.length;
      fromStatus = s.statuses.length;
      writeFileSync(f, gate.include + rejected);
      await s.save(f);
      await gate.opened(); // clang has read the rejected text and cannot finish: the gate is never released
      writeFileSync(f, fixed.replace('return XDP_PASS;\n\t*count', 'return XDP_DROP;\n\t*count'));
      await s.save(f);
      const verdict = await s.verdictAfter(fromStatus, f); // no verdict at all if the held build was not stopped
      assert.deepEqual([verdict.state, verdict.rejected], ['done', 0]);
      await sleep(500); // a stale verdict would come after the newer one
      assert.deepEqual(s.published.slice(from).filter((p) => p.uri === uriOf(f)).flatMap(verifierOf), []);
      assert.equal(s.statuses.slice(fromStatus).filter((x) => x.source === f && x.state === 'done').length, 1, 'one verdict: the first run was cancelled');
      assert.deepEqual(s.verdicts.slice(fromReports).map((v) => v.report.programs.map((p) => p.verdict)), [['accepted']], 'one ebpf/verdicts report, of the latest text');
    } finally {
      await gate.close();
    }
  });

  it('a text written while clang builds the saved one is built again when it is saved, not taken from the build cache', async () => {
    const f = file('written_during_build.bpf.c', fixed);
    await s.open(f);
    const gate = clangGate(s.workspace, 'cache-gate.fifo');
    try {
      let fromStatus = s.statuses.length;
      writeFileSync(f, gate.include + rejected);
      await s.save(f);
      await gate.opened();
      // the fix is written while clang builds the reject (an editor writes the file before it says it saved it):
      // the reject's object ends up newer than the fixed source
      writeFileSync(f, fixed);
      await gate.release();
      const older = await s.verdictAfter(fromStatus, f);
      assert.deepEqual([older.state, older.rejected], ['done', 1], 'the verdict of the text saved then');
      fromStatus = s.statuses.length;
      const fromReports = s.verdicts.length;
      await s.save(f);
      const latest = await s.verdictAfter(fromStatus, f);
      assert.deepEqual([latest.state, latest.rejected], ['done', 0], 'the saved fix is built and verified, not the reject\'s object reused');
      assert.ok(s.statuses.slice(fromStatus).some((x) => x.source === f && x.state === 'verifying'), 'verified again');
      assert.deepEqual(verifierOf(s.published.filter((p) => p.uri === uriOf(f)).at(-1)!), []);
      assert.deepEqual(s.verdicts.slice(fromReports).map((v) => v.report.programs.map((p) => p.verdict)), [['accepted']], 'the ebpf/verdicts report of the fix');
    } finally {
      await gate.close();
    }
  });

  it('an unchanged object is not rebuilt: saving again republishes the verdict', async () => {
    const f = file('null_deref.bpf.c');
    const from = s.statuses.length;
    await s.save(f);
    assert.equal((await s.verdictAfter(from, f)).state, 'done');
    assert.ok(!s.statuses.slice(from).some((x) => x.source === f && x.state === 'verifying'), 'neither built nor verified again');
  });

  it('a saved header verifies the sources that include it again', async () => {
    const header = file('guard.h', '#define GUARD(p)\n');
    const f = file('guarded.bpf.c', rejected.replace('#include <bpf/bpf_helpers.h>', '#include <bpf/bpf_helpers.h>\n#include "guard.h"')
      .replace('\t*count += 1;', '\tGUARD(count)\n\t*count += 1;'));
    await s.open(f);
    await s.open(header);
    const from = s.published.length;
    await s.save(f);
    const first = await s.publishedFor(f, from, (p) => verifierOf(p).length > 0);
    assert.equal(verifierOf(first)[0].code, 'null-deref');
    writeFileSync(header, '#define GUARD(p) if (!(p)) return XDP_PASS;\n');
    const cleared = await s.afterVerdict(f, f, () => s.save(header));
    assert.deepEqual(verifierOf(cleared), []);
  });

  it('a build error becomes clang diagnostics at its line', async () => {
    const f = file('broken.bpf.c', rejected.replace('\t*count += 1;', '\t*count += undefined_thing;'));
    await s.open(f);
    const from = s.published.length;
    await s.save(f);
    const got = await s.publishedFor(f, from, (p) => p.diagnostics.some((d) => d.source === 'clang'));
    const d = got.diagnostics.find((x) => x.source === 'clang')!;
    assert.equal(d.severity, 1);
    assert.equal(d.range.start.line, rejectLine);
    assert.match(d.message, /undeclared identifier 'undefined_thing'/);
    assert.deepEqual(s.messages, [], 'nothing to tell the user: clang and the kernel are there');
  });

  it('reads ebpf.defines and ebpf.verifyOnSave through workspace/configuration, again when they change', async () => {
    const f = file('configured.bpf.c', rejected.replace('\t*count += 1;', '#ifdef CHECKED\n\tif (!count)\n\t\treturn XDP_PASS;\n#endif\n\t*count += 1;'));
    await s.open(f);
    let from = s.statuses.length;
    await s.save(f);
    assert.equal((await s.verdictAfter(from, f)).rejected, 1, 'without the define the check is compiled out');
    s.settings['ebpf.defines'] = ['CHECKED'];
    await s.changeSettings();
    from = s.statuses.length;
    await s.save(f);
    assert.deepEqual(await s.verdictAfter(from, f).then((x) => [x.verified, x.rejected]), [1, 0], 'built with -DCHECKED');
    s.settings['ebpf.verifyOnSave'] = false;
    await s.changeSettings();
    from = s.statuses.length;
    writeFileSync(f, rejected);
    await s.save(f);
    await s.roundTrip(); // a save that builds has said so by now
    assert.deepEqual(s.statuses.slice(from), [], 'off: neither built nor verified');
    delete s.settings['ebpf.verifyOnSave'];
    delete s.settings['ebpf.defines'];
    await s.changeSettings();
  });

  it('ebpf.capabilities: verified as a loader without CAP_PERFMON, padded_key\'s unwritten padding is refused; = {} is the verified fix', async () => {
    // a socket filter: CAP_BPF alone may load it (XDP would also need CAP_NET_ADMIN)
    const f = file('padded_socket.bpf.c', readFileSync(path.join(EXAMPLES, 'padded_key.bpf.c'), 'utf8').replace('SEC("xdp")', 'SEC("socket")')
      .replace('struct xdp_md *ctx', 'struct __sk_buff *ctx').replace('ctx->rx_queue_index', 'ctx->len').replace('ctx->ingress_ifindex', 'ctx->ifindex')
      .replace('return XDP_PASS;', 'return 0;'));
    await s.open(f);
    let from = s.statuses.length;
    await s.save(f);
    assert.deepEqual(await s.verdictAfter(from, f).then((x) => [x.verified, x.rejected]), [1, 0], 'root may read uninitialised stack since 6.3');
    s.settings['ebpf.capabilities'] = 'bpf';
    await s.changeSettings();
    from = s.published.length;
    await s.save(f);
    const got = await s.publishedFor(f, from, (p) => verifierOf(p).length > 0);
    const [d] = verifierOf(got);
    assert.equal(d.code, 'uninit-stack');
    assert.match(d.message, /invalid (indirect )?read from stack/);
    const actions = await s.verifiedActions(f, d.range.start.line, got.diagnostics);
    assert.ok(actions.some((a) => a.title === 'Zero-initialise key (= {}) (verified by the kernel)'), JSON.stringify(actions.map((a) => a.title)));
    delete s.settings['ebpf.capabilities'];
    await s.changeSettings();
  });

  it('ebpf.acceptedSummary: an information at each accepted program, with its statistics', async () => {
    const f = file('count_ok.bpf.c');
    copyFileSync(path.join(EXAMPLES, 'count_ok.bpf.c'), f);
    await s.open(f);
    assert.deepEqual(verifierOf(await s.afterVerdict(f, f, () => s.save(f))), [], 'silent by default');
    s.settings['ebpf.acceptedSummary'] = true;
    await s.changeSettings();
    const [d] = verifierOf(await s.afterVerdict(f, f, () => s.save(f)));
    assert.equal(d.severity, 3);
    assert.equal(d.code, 'verified');
    assert.match(d.message, /^\w+: verified by the kernel \(\d+ instructions processed, stack \d+ bytes/);
    const fnLine = readFileSync(f, 'utf8').split('\n').findIndex((l) => /^int \w+\(/.test(l));
    assert.equal(d.range.start.line, fnLine, 'at the program\'s function');
    delete s.settings['ebpf.acceptedSummary'];
    await s.changeSettings();
  });

  it('a missing clang (ebpf.clang.path) is said once, with the fix, not on every save', async () => {
    s.settings['ebpf.clang.path'] = '/nonexistent/clang-99';
    await s.changeSettings();
    const f = file('no_clang.bpf.c', fixed);
    await s.open(f);
    for (let i = 0; i < 2; i++) {
      writeFileSync(f, `${fixed}// ${i}\n`);
      const from = s.statuses.length;
      await s.save(f);
      assert.equal((await s.verdictAfter(from, f)).state, 'failed');
    }
    await s.roundTrip(); // a word said with the last failed status (right after it) has come by now
    const said = s.messages.filter((m) => m.message.includes('clang-99'));
    assert.equal(said.length, 1);
    assert.match(said[0].message, /Cannot run \/nonexistent\/clang-99: ENOENT[\s\S]*apt-get install clang/);
    delete s.settings['ebpf.clang.path'];
    await s.changeSettings();
  });
});

describe('verify on save: when it stays off', () => {
  it('is off when the client says the workspace is not trusted', async () => {
    const s = await startVerifySession({ initializationOptions: { trusted: false } });
    try {
      const f = path.join(s.workspace, 'null_deref.bpf.c');
      copyFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), f);
      await s.open(f);
      await s.save(f);
      await s.roundTrip(); // a save that builds has said so by now
      assert.deepEqual(s.statuses, []);
    } finally {
      await s.close();
    }
  });

  it('without root or the installed helper it says once how to enable it, and stays quiet', async () => {
    // nobody, with no wrapper installed (EBPF_DEBUGGER_WRAPPER names a path that does not exist)
    const s = await startVerifySession({ uid: 65534, env: { EBPF_DEBUGGER_WRAPPER: '/nonexistent/ebpf-verify-helper', HOME: '/tmp' } });
    try {
      const f = path.join(s.workspace, 'null_deref.bpf.c');
      copyFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), f);
      await s.open(f);
      await s.save(f);
      await s.save(f);
      await s.roundTrip(); // each save's word (said as it is handled) has come by now
      assert.equal(s.messages.length, 1, JSON.stringify(s.messages));
      assert.equal(s.messages[0].type, 3, 'an info');
      assert.match(s.messages[0].message, /needs root or the privileged helper[\s\S]*ebpf-debugger setup-privileges/);
      assert.deepEqual(s.statuses, [], 'neither built nor verified');
      assert.deepEqual(s.published.flatMap(verifierOf), []);
    } finally {
      await s.close();
    }
  });
});
