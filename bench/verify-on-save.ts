/**
 * Verify on save, measured on the real language server (dist/server.js over stdio), real clang and kernel: for every
 * example, the time from didSave to the verdict's diagnostics (clang + verify + publish) with the source changed
 * before each save (goal: median under 300 ms), and with it saved unchanged (the object is not rebuilt, the verdict
 * republished; goal under 20 ms). `npm run bench -- verify-on-save`. Also, in process: a save of a header that
 * nothing includes, in a workspace of 2000 small sources (the lookup of its includers runs on the server thread).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { VERIFY_STATUS_NOTIFICATION, type VerifyStatusParams } from '../core/lsp-ext';
import { VerifyOnSave } from '../server/verify-on-save';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

/** The includers of a saved header nothing includes, among 2000 sources of about 6 KB in 20 directories. */
function benchHeaderIncluders(report: (name: string, value: string) => void, rounds = 30): void {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'ebpf-bench-includers-'));
  try {
    const filler = '// a line of a source file of realistic length, about eighty characters long......\n'.repeat(80);
    for (let d = 0; d < 20; d++) {
      mkdirSync(path.join(workspace, `d${d}`));
      for (let i = 0; i < 100; i++) {
        writeFileSync(path.join(workspace, `d${d}`, `p${i}.bpf.c`), `#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n#include "common${i}.h"\n` +
          `SEC("xdp") int p${i}(struct xdp_md *c) { return XDP_PASS; }\n${filler}`);
      }
    }
    const header = path.join(workspace, 'lonely.h');
    writeFileSync(header, '#define LONELY 1\n');
    const vos = new VerifyOnSave({ publish: () => undefined, show: () => undefined, log: () => undefined, status: () => undefined });
    vos.workspaceRoots = [workspace];
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = now();
      if (vos.sourcesFor(header).length > 0) throw new Error('the lonely header has includers');
      times.push(now() - t0);
    }
    report('saved header, no includer, 2000 sources: first', `${times[0].toFixed(1)} ms`);
    report('saved header, no includer, 2000 sources: again', `median ${pct(times.slice(1), 0.5).toFixed(1)} ms, p95 ${pct(times.slice(1), 0.95).toFixed(1)} ms`);
    void vos.close();
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

export async function benchVerifyOnSave(repo: string, report: (name: string, value: string) => void, rounds = 15): Promise<void> {
  benchHeaderIncluders(report);
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'ebpf-bench-vos-'));
  const child = spawn(process.execPath, [path.join(repo, 'dist', 'server.js'), '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: path.join(workspace, '.cache') },
  });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  let waiting: { uri: string; resolve: () => void } | undefined;
  // the verdict's status follows its diagnostics at once; a lint publish of the same document must not count
  conn.onNotification(VERIFY_STATUS_NOTIFICATION, (s: VerifyStatusParams) => {
    if (waiting && pathToFileURL(s.source).href === waiting.uri && (s.state === 'done' || s.state === 'failed')) waiting.resolve();
  });
  const lastDiagnostics = new Map<string, Diagnostic[]>();
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => lastDiagnostics.set(p.uri, p.diagnostics));
  conn.listen();
  const saved = (uri: string) => new Promise<number>((resolve, reject) => {
    const t0 = now();
    const timer = setTimeout(() => reject(new Error(`no verdict for ${uri}`)), 30_000);
    waiting = { uri, resolve: () => { clearTimeout(timer); waiting = undefined; resolve(now() - t0); } };
    void conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
  });
  try {
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(workspace).href, capabilities: {} });
    await conn.sendNotification('initialized', {});
    for (const name of readdirSync(path.join(repo, 'examples')).filter((f) => f.endsWith('.bpf.c')).sort()) {
      const file = path.join(workspace, name);
      copyFileSync(path.join(repo, 'examples', name), file);
      const uri = pathToFileURL(file).href;
      const text = readFileSync(file, 'utf8');
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
      await saved(uri); // the first save starts the helper
      const changed: number[] = [];
      const unchanged: number[] = [];
      for (let i = 0; i < rounds; i++) {
        writeFileSync(file, `${text}\n// save ${i}\n`);
        changed.push(await saved(uri));
        unchanged.push(await saved(uri));
      }
      const fmt = (xs: number[]) => `median ${pct(xs, 0.5).toFixed(1)} ms, p95 ${pct(xs, 0.95).toFixed(1)} ms`;
      report(`verify on save ${name}`, fmt(changed));
      report(`verify on save ${name}, unchanged object`, fmt(unchanged));
      // verified fixes: from the reject's verdict to the light bulb's "(verified by the kernel)" (rejected examples)
      writeFileSync(file, text);
      const t0 = now();
      await saved(uri);
      const line = lastDiagnostics.get(uri)?.find((d) => d.source === 'eBPF verifier')?.range.start.line;
      if (line === undefined) continue;
      let titles: string[] = [];
      while (now() - t0 < 10_000 && !titles.some((t) => t.endsWith('(verified by the kernel)'))) {
        await new Promise((r) => setTimeout(r, 10));
        const actions = await conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line, character: 0 }, end: { line, character: 1000 } },
          context: { diagnostics: lastDiagnostics.get(uri) ?? [] } }) as { title: string }[];
        titles = actions.map((a) => a.title);
      }
      const hit = titles.find((t) => t.endsWith('(verified by the kernel)'));
      report(`verified fix ${name}`, hit ? `${(now() - t0).toFixed(0)} ms after the save: ${hit}` : `none within 10 s (offered: ${titles.join('; ') || 'nothing'})`);
    }
  } finally {
    await conn.sendRequest('shutdown').catch(() => undefined);
    conn.dispose();
    child.kill();
    rmSync(workspace, { recursive: true, force: true });
  }
}

