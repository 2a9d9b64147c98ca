import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Diagnostic, DocumentLink, DocumentSymbol, FoldingRange } from 'vscode-languageserver-protocol';
import { startLspServer, type LspServer } from '../support/lsp-server';
import { EXAMPLES, KERNEL_MATRIX, REPO } from '../support/paths';

const REPLAY = path.join(REPO, 'test', 'fixtures', 'replay');

/** Verifier-log documents over LSP, on real logs: test/fixtures/replay (6.18, level 1 and 2) and the kernel matrix. */
describe('verifier-log documents (dist/server.js over LSP)', () => {
  let server: LspServer;
  let dir: string;

  /** Open a log and wait for its first diagnostics (its reject, why it has no verdict, or none when accepted). */
  async function openLog(file: string, languageId: string, text = readFileSync(file, 'utf8')): Promise<{ uri: string; text: string; lines: string[] }> {
    const uri = pathToFileURL(file).href;
    const got = server.nextDiagnostics(uri);
    await server.open(uri, text, languageId);
    await got;
    return { uri, text, lines: text.split('\n') };
  }
  const request = <T>(method: string, uri: string, extra: object = {}) => server.request<T>(method, { textDocument: { uri }, ...extra });
  const hover = async (uri: string, line: number, character: number) =>
    (await request<{ contents: { value: string } } | null>('textDocument/hover', uri, { position: { line, character } }))?.contents.value;
  /** The 1-based line `n` of the file a link points at (`file:///x.c#L12`). */
  const targetLine = (target: string) => {
    const [file, fragment] = target.split('#L');
    return { file: fileURLToPath(file), line: Number(fragment), text: readFileSync(fileURLToPath(file), 'utf8').split('\n')[Number(fragment) - 1] };
  };

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-lsp-logs-'));
    mkdirSync(path.join(dir, 'saved'));
    mkdirSync(path.join(dir, 'gosrc'));
    // the sources sit in workspace folders, apart from the saved logs: found as `log --source-root` finds them
    const folders = [EXAMPLES, path.join(KERNEL_MATRIX, 'programs'), path.join(dir, 'gosrc')].map((f) => ({ uri: pathToFileURL(f).href, name: path.basename(f) }));
    server = await startLspServer({ workspace: dir, initialize: { rootUri: null, workspaceFolders: folders } });
  });
  after(() => server?.close());

  it('links each `@ file:line` annotation to that line of the source', async () => {
    const file = path.join(dir, 'saved', 'subprog_reject.verifier.log');
    copyFileSync(path.join(REPLAY, 'subprog_reject.log'), file);
    const { uri, lines } = await openLog(file, 'plaintext'); // by its name: the client may not have switched the language yet
    const links = await request<DocumentLink[]>('textDocument/documentLink', uri);
    const annotated = lines.map((l, i) => [i, /^; (.*) @ (\S+):(\d+)$/.exec(l)] as const).filter(([, m]) => m && m[3] !== '0');
    assert.ok(annotated.length >= 4);
    assert.deepEqual(links.map((l) => l.range.start.line), annotated.map(([i]) => i));
    for (const [i, m] of annotated) {
      const link = links.find((l) => l.range.start.line === i)!;
      assert.equal(lines[i].slice(link.range.start.character, link.range.end.character), `${m![2]}:${m![3]}`);
      const target = targetLine(link.target!);
      assert.equal(target.file, path.join(EXAMPLES, m![2]));
      assert.equal(target.line, Number(m![3]));
      assert.equal(target.text.trim(), m![1].trim(), `line ${i} opens the annotated source line`);
    }
  });

  it('links a GO_SYM: line to the Go function in the workspace', async () => {
    writeFileSync(path.join(dir, 'gosrc', 'main.go'), 'package main\n\nimport "fmt"\n\nfunc process() {\n\tfmt.Println()\n}\n');
    const text = readFileSync(path.join(REPLAY, 'null_deref.log'), 'utf8') + 'GO_SYM: main.process+0x28\n';
    const { uri, lines } = await openLog(path.join(dir, 'saved', 'go.bpflog'), 'bpf-verifier-log', text);
    const links = await request<DocumentLink[]>('textDocument/documentLink', uri);
    const sym = links.find((l) => lines[l.range.start.line].startsWith('GO_SYM:'));
    assert.ok(sym, JSON.stringify(links));
    assert.equal(lines[sym.range.start.line].slice(sym.range.start.character, sym.range.end.character), 'main.process+0x28');
    const target = targetLine(sym.target!);
    assert.deepEqual([target.file, target.text], [path.join(dir, 'gosrc', 'main.go'), 'func process() {']);
  });

  it('outlines the program, its subprogram and the reject, and reports the reject with its explanation', async () => {
    const uri = pathToFileURL(path.join(dir, 'saved', 'subprog_reject.verifier.log')).href;
    const lines = readFileSync(path.join(REPLAY, 'subprog_reject.log'), 'utf8').split('\n');
    const outline = await request<DocumentSymbol[]>('textDocument/documentSymbol', uri);
    assert.deepEqual(outline.map((s) => [s.name, s.detail]), [['subprog_reject', "rejected: R1 invalid mem access 'map_value_or_null'"]]);
    const rejectLine = lines.indexOf("R1 invalid mem access 'map_value_or_null'");
    const callLine = lines.findIndex((l) => l.includes('call pc+2'));
    assert.deepEqual(outline[0].children!.map((c) => [c.name, c.detail, c.range.start.line]), [
      ['subprogram at insn 17', 'called from insn 14', callLine],
      ["reject: R1 invalid mem access 'map_value_or_null'", 'Possible NULL dereference', rejectLine],
    ]);
    const diags: Diagnostic[] = server.latest(uri)!.diagnostics;
    assert.equal(diags.length, 1);
    assert.equal(diags[0].range.start.line, rejectLine);
    assert.equal(diags[0].code, 'null-deref');
    assert.match(diags[0].message, /^R1 invalid mem access 'map_value_or_null'\n\nPossible NULL dereference: .*\nFix: Test it first/s);
    const source = diags[0].relatedInformation!.find((r) => r.location.uri.endsWith('.bpf.c'))!;
    const srcLine = readFileSync(fileURLToPath(source.location.uri), 'utf8').split('\n')[source.location.range.start.line];
    assert.match(srcLine, /s->packets \+= 1;/, 'the reject\'s source line');
    const insn = diags[0].relatedInformation!.find((r) => r.location.uri === uri)!;
    assert.match(lines[insn.location.range.start.line], /^17: \(79\) r3 = \*\(u64 \*\)\(r1 \+0\)/);
  });

  it('a hover on a register shows its parsed state at that instruction', async () => {
    const uri = pathToFileURL(path.join(dir, 'saved', 'subprog_reject.verifier.log')).href;
    const lines = readFileSync(path.join(REPLAY, 'subprog_reject.log'), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('17: (79)'));
    const r1 = await hover(uri, at, lines[at].indexOf('r1 +0') + 1);
    assert.match(r1!, /^\*\*R1\*\* before insn 17 \(frame 1\): `map_value_or_null\(id=1,map=stats_map,ks=4,vs=16\)`/);
    assert.match(r1!, /- map: stats_map, key 4 bytes, value 16 bytes/);
    assert.match(r1!, /may be NULL/);
    // in an instruction's `; R…` suffix: the value it wrote
    const shift = lines.findIndex((l) => l.startsWith('12: (77)'));
    const r2 = await hover(uri, shift, lines[shift].indexOf('R2=') + 1);
    assert.match(r2!, /^\*\*R2\*\* after insn 12: `scalar\(smin=0,smax=umax=0xffffffff,var_off=\(0x0; 0xffffffff\)\)`/);
    assert.match(r2!, /- bounds: smin=0, smax=4294967295, umax=4294967295|- bounds: smin=0, smax=0xffffffff/);
    assert.equal(await hover(uri, 1, 3), undefined, 'a source annotation has no register');
  });

  it('folds the Live-regs block and each branch; a branch state line hovers too', async () => {
    const file = path.join(dir, 'saved', 'count_ok.verifier.log');
    copyFileSync(path.join(REPLAY, 'count_ok.log'), file);
    const { uri, lines } = await openLog(file, 'bpf-verifier-log');
    const folds = await request<FoldingRange[]>('textDocument/foldingRange', uri);
    const live = lines.indexOf('Live regs before insn:');
    const liveEnd = lines.findIndex((l, i) => i > live && !/^\s+\d+: [.\d]{10} /.test(l)) - 1;
    const from = lines.findIndex((l) => l.startsWith('from 9 to 12:'));
    const safe = lines.indexOf('20: safe');
    assert.deepEqual(folds.map((f) => f.startLine), [live, from]);
    assert.equal(folds[0].endLine, liveEnd);
    assert.ok(folds[1].endLine >= safe && folds[1].endLine < lines.findIndex((l) => l.startsWith('processed ')), `branch fold ends at ${folds[1].endLine}`);
    const outline = await request<DocumentSymbol[]>('textDocument/documentSymbol', uri);
    assert.deepEqual(outline.map((s) => [s.name, s.detail]), [['count_ok', 'accepted, 21 insns processed']]);
    assert.deepEqual(outline[0].children!.map((c) => [c.name, c.range.start.line]), [['func#0', 0], ['from 9 to 12', from]]);
    assert.deepEqual(server.latest(uri)!.diagnostics, [], 'an accepted program has no reject');
    assert.match((await hover(uri, from, lines[from].indexOf('R6=') + 1))!, /^\*\*R6\*\* on the branch from 9 to 12: `1`\n\n- type: `scalar`\n- value: 1/);
    const check = lines.findIndex((l) => l.startsWith('9: (15)'));
    assert.match((await hover(uri, check, lines[check].indexOf('r0') + 1))!, /before insn 9: `map_value_or_null\(id=1,map=packet_count,ks=4,vs=8\)`/);
  });

  it('a pasted bpftool -d log of several programs: one outline entry each, the reject of the failing one', async () => {
    const file = path.join(KERNEL_MATRIX, 'level2', '6.18-cloud.txt');
    const { uri, lines } = await openLog(file, 'bpf-verifier-log'); // "Open as Verifier Log" on a .txt
    const outline = await request<DocumentSymbol[]>('textDocument/documentSymbol', uri);
    assert.deepEqual(outline.map((s) => [s.name, s.detail?.replace(/,.*/, '')]), [
      ['count_packets', 'accepted'], ['count_packets', "rejected: R0 invalid mem access 'map_value_or_null'"], ['count_packets', 'accepted'],
    ]);
    const begins = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('-- BEGIN PROG LOAD LOG --')).map(([, i]) => i);
    assert.deepEqual(outline.map((s) => s.range.start.line), begins);
    const diags = server.latest(uri)!.diagnostics;
    assert.equal(diags.length, 1);
    assert.equal(lines[diags[0].range.start.line], "R0 invalid mem access 'map_value_or_null'");
    assert.ok(diags[0].range.start.line > begins[1] && diags[0].range.start.line < begins[2]);
    const source = diags[0].relatedInformation!.find((r) => r.location.uri.endsWith('.bpf.c'))!;
    assert.equal(path.basename(fileURLToPath(source.location.uri)), 'nullcheck_hash.bpf.c');
    const folds = await request<FoldingRange[]>('textDocument/foldingRange', uri);
    assert.deepEqual(folds.map((f) => lines[f.startLine]), ['Live regs before insn:', 'Live regs before insn:', 'Live regs before insn:']);
    const links = await request<DocumentLink[]>('textDocument/documentLink', uri);
    assert.ok(links.length > 0 && links.every((l) => path.basename(targetLine(l.target!).file).startsWith(lines[l.range.start.line].match(/@ (\w+)/)![1])));
  });

  it('pasted into an untitled editor (7.x output with its prose block): the reject, and links from the workspace folders', async () => {
    const text = readFileSync(path.join(KERNEL_MATRIX, 'level1', '7.3-cloud.txt'), 'utf8');
    const uri = 'untitled:Untitled-1';
    const got = server.nextDiagnostics(uri);
    await server.open(uri, text, 'bpf-verifier-log');
    await got;
    const lines = text.split('\n');
    const diags = server.latest(uri)!.diagnostics;
    assert.ok(diags.length >= 1);
    for (const d of diags) assert.equal(lines[d.range.start.line], "R0 invalid mem access 'map_value_or_null'");
    const links = await request<DocumentLink[]>('textDocument/documentLink', uri);
    const prose = links.find((l) => /^\s+count_packets @ /.test(lines[l.range.start.line]));
    assert.ok(prose, 'the prose block\'s At: location is a link');
    const target = targetLine(prose.target!);
    assert.equal(path.basename(target.file), 'nullcheck_hash.bpf.c');
    assert.match(target.text, /\*val \+= 1;/);
  });

  it('a document that is not a verifier log says so instead of staying silent', async () => {
    const { uri } = await openLog(path.join(dir, 'saved', 'notes.bpflog'), 'bpf-verifier-log', 'just some notes\nnothing else\n');
    const diags = server.latest(uri)!.diagnostics;
    assert.equal(diags.length, 1);
    assert.equal(diags[0].severity, 3);
    assert.match(diags[0].message, /holds no verdict.*not a verifier log/);
    assert.deepEqual(await request<DocumentSymbol[]>('textDocument/documentSymbol', uri).then((o) => o.map((s) => s.detail)), ['no verdict (not a verifier log)']);
  });
});
