import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { VERIFY_STATUS_NOTIFICATION, type VerifyStatusParams } from '../../core/lsp-ext';
import { DIST, EXAMPLES } from '../support/paths';

/**
 * Verify on save, through the bundled server over stdio: real clang, the real kernel. The examples' objects land in a
 * build cache of the test's own (XDG_CACHE_HOME), so nothing is shared with other runs.
 */
describe('verify on save (dist/server.js over LSP, real clang and kernel)', () => {
  let child: ChildProcess;
  let workspace: string;
  let conn: MessageConnection;
  const published: PublishDiagnosticsParams[] = [];
  const statuses: VerifyStatusParams[] = [];
  const messages: string[] = [];
  const settings: Record<string, unknown> = {};
  const verifierOf = (p: PublishDiagnosticsParams): Diagnostic[] => p.diagnostics.filter((d) => d.source === 'eBPF verifier');

  /** The first publish for `uri` after `from` (an index into published) that satisfies `ok`. */
  const publishedFor = (uri: string, from: number, ok: (p: PublishDiagnosticsParams) => boolean, ms = 20_000) =>
    new Promise<PublishDiagnosticsParams>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const hit = published.slice(from).find((p) => p.uri === uri && ok(p));
        if (hit) {
          clearInterval(poll);
          resolve(hit);
        } else if (Date.now() - started > ms) {
          clearInterval(poll);
          reject(new Error(`no matching diagnostics for ${uri} within ${ms} ms; got ${JSON.stringify(published.slice(from).filter((p) => p.uri === uri))}`));
        }
      }, 20);
    });
  const doneAfter = (from: number, source: string) => new Promise<VerifyStatusParams>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const hit = statuses.slice(from).find((s) => s.source === source && (s.state === 'done' || s.state === 'failed'));
      if (hit || Date.now() - started > 20_000) {
        clearInterval(poll);
        if (hit) resolve(hit);
        else reject(new Error(`no verdict for ${source}: ${JSON.stringify(statuses.slice(from))}`));
      }
    }, 20);
  });

  const uriOf = (file: string) => pathToFileURL(file).href;
  const save = (file: string) => conn.sendNotification('textDocument/didSave', { textDocument: { uri: uriOf(file) } });
  const open = (file: string) => conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId: 'c', version: 1, text: readFileSync(file, 'utf8') } });

  const rejected = readFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), 'utf8');
  const fixed = rejected.replace('\t*count += 1;', '\tif (!count)\n\t\treturn XDP_PASS;\n\t*count += 1;');
  const rejectLine = rejected.split('\n').findIndex((l) => l.includes('*count += 1'));

  before(async () => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'ebpf-vos-'));
    child = spawn(process.execPath, [path.join(DIST, 'server.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: path.join(workspace, '.cache') },
    });
    conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => published.push(p));
    conn.onNotification(VERIFY_STATUS_NOTIFICATION, (s: VerifyStatusParams) => statuses.push(s));
    conn.onNotification('window/showMessage', (m: { message: string }) => messages.push(m.message));
    // the editor's settings: null for those the user did not set (the server's defaults apply)
    conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => settings[i.section ?? ''] ?? null));
    conn.listen();
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: uriOf(workspace), capabilities: { workspace: { configuration: true } } });
    await conn.sendNotification('initialized', {});
  });
  after(async () => {
    await conn.sendRequest('shutdown').catch(() => undefined);
    conn.dispose();
    child.kill();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('a saved rejected program gets the verifier\'s diagnostic at the reject line; fixed and saved, it clears', async () => {
    const file = path.join(workspace, 'null_deref.bpf.c');
    copyFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), file);
    await open(file);
    let from = published.length;
    await save(file);
    const got = await publishedFor(uriOf(file), from, (p) => verifierOf(p).length > 0);
    const [d] = verifierOf(got);
    assert.equal(d.severity, 1);
    assert.equal(d.range.start.line, rejectLine);
    assert.equal(d.code, 'null-deref');
    assert.match(d.message, /^null_deref: R\d+ invalid mem access 'map_value_or_null'\nPossible NULL dereference\. Test it first/);
    assert.ok((d.relatedInformation ?? []).length > 0, 'the failing path\'s last lines');
    assert.ok(d.relatedInformation!.every((r) => r.location.uri === uriOf(file)));
    assert.equal(d.relatedInformation!.at(-1)!.location.range.start.line, rejectLine);

    writeFileSync(file, fixed);
    from = published.length;
    await save(file);
    const cleared = await publishedFor(uriOf(file), from, () => true);
    assert.deepEqual(verifierOf(cleared), []);
  });

  it('a save during a running build or verification: only the latest text\'s verdict is published', async () => {
    const file = path.join(workspace, 'racy.bpf.c');
    writeFileSync(file, fixed);
    await open(file);
    let fromStatus = statuses.length;
    await save(file);
    await doneAfter(fromStatus, file);
    // the reject is saved, and while clang builds it the fix is saved: the reject must never be published
    const from = published.length;
    fromStatus = statuses.length;
    writeFileSync(file, rejected);
    await save(file);
    await new Promise((r) => setTimeout(r, 40)); // clang has read the rejected text by now
    writeFileSync(file, fixed.replace('return XDP_PASS;\n\t*count', 'return XDP_DROP;\n\t*count'));
    await save(file);
    const verdict = await doneAfter(fromStatus, file);
    assert.deepEqual([verdict.state, verdict.rejected], ['done', 0]);
    await new Promise((r) => setTimeout(r, 500)); // a stale verdict would come after the newer one
    assert.deepEqual(published.slice(from).filter((p) => p.uri === uriOf(file)).flatMap(verifierOf), []);
    assert.equal(statuses.slice(fromStatus).filter((s) => s.source === file && s.state === 'done').length, 1, 'one verdict: the first run was cancelled');
  });

  it('an unchanged object is not rebuilt: saving again republishes the verdict', async () => {
    const file = path.join(workspace, 'null_deref.bpf.c');
    const from = statuses.length;
    await save(file);
    const verdict = await doneAfter(from, file);
    assert.equal(verdict.state, 'done');
    assert.ok(!statuses.slice(from).some((s) => s.source === file && s.state === 'verifying'), 'neither built nor verified again');
  });

  it('a saved header verifies the sources that include it again', async () => {
    const header = path.join(workspace, 'guard.h');
    const file = path.join(workspace, 'guarded.bpf.c');
    writeFileSync(header, '#define GUARD(p)\n');
    writeFileSync(file, rejected.replace('#include <bpf/bpf_helpers.h>', '#include <bpf/bpf_helpers.h>\n#include "guard.h"')
      .replace('\t*count += 1;', '\tGUARD(count)\n\t*count += 1;'));
    await open(file);
    await open(header);
    let from = published.length;
    await save(file);
    const first = await publishedFor(uriOf(file), from, (p) => verifierOf(p).length > 0);
    assert.equal(verifierOf(first)[0].code, 'null-deref');
    writeFileSync(header, '#define GUARD(p) if (!(p)) return XDP_PASS;\n');
    from = published.length;
    await save(header);
    const cleared = await publishedFor(uriOf(file), from, () => true);
    assert.deepEqual(verifierOf(cleared), []);
  });

  it('a build error becomes clang diagnostics at its line', async () => {
    const file = path.join(workspace, 'broken.bpf.c');
    writeFileSync(file, rejected.replace('\t*count += 1;', '\t*count += undefined_thing;'));
    await open(file);
    const from = published.length;
    await save(file);
    const got = await publishedFor(uriOf(file), from, (p) => p.diagnostics.some((d) => d.source === 'clang'));
    const d = got.diagnostics.find((x) => x.source === 'clang')!;
    assert.equal(d.severity, 1);
    assert.equal(d.range.start.line, rejectLine);
    assert.match(d.message, /undeclared identifier 'undefined_thing'/);
    assert.deepEqual(messages, [], 'nothing to tell the user once: clang and the kernel are there');
  });

  it('reads ebpf.defines and ebpf.verifyOnSave through workspace/configuration, again when they change', async () => {
    const file = path.join(workspace, 'configured.bpf.c');
    writeFileSync(file, rejected.replace('\t*count += 1;', '#ifdef CHECKED\n\tif (!count)\n\t\treturn XDP_PASS;\n#endif\n\t*count += 1;'));
    await open(file);
    let from = statuses.length;
    await save(file);
    assert.equal((await doneAfter(from, file)).rejected, 1, 'without the define the check is compiled out');
    settings['ebpf.defines'] = ['CHECKED'];
    await conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await new Promise((r) => setTimeout(r, 200)); // the server asks for the settings again
    from = statuses.length;
    await save(file);
    assert.deepEqual(await doneAfter(from, file).then((s) => [s.verified, s.rejected]), [1, 0], 'built with -DCHECKED');
    settings['ebpf.verifyOnSave'] = false;
    await conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await new Promise((r) => setTimeout(r, 200));
    from = statuses.length;
    writeFileSync(file, rejected);
    await save(file);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(statuses.slice(from), [], 'off: neither built nor verified');
    delete settings['ebpf.verifyOnSave'];
    delete settings['ebpf.defines'];
    await conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  });
});

describe('verify on save in an untrusted workspace', () => {
  it('is off when the client says the workspace is not trusted', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'ebpf-vos-untrusted-'));
    const child = spawn(process.execPath, [path.join(DIST, 'server.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: path.join(workspace, '.cache') },
    });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const statuses: VerifyStatusParams[] = [];
    conn.onNotification(VERIFY_STATUS_NOTIFICATION, (s: VerifyStatusParams) => statuses.push(s));
    conn.listen();
    try {
      await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(workspace).href, capabilities: {}, initializationOptions: { trusted: false } });
      await conn.sendNotification('initialized', {});
      const file = path.join(workspace, 'null_deref.bpf.c');
      copyFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), file);
      const uri = pathToFileURL(file).href;
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: readFileSync(file, 'utf8') } });
      await conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(statuses, []);
    } finally {
      await conn.sendRequest('shutdown').catch(() => undefined);
      conn.dispose();
      child.kill();
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
