import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LARGE_DOCUMENT_CHARS } from '../../server/large-documents';
import { startLspServer, type LspServer } from '../support/lsp-server';

/** A generated header of kernel-style types (as bpftool writes vmlinux.h), just over the size the server hands its worker. */
function typesHeader(): string {
  const out = ['#ifndef __BIG_H__', '#define __BIG_H__', '', 'typedef unsigned char __u8;', 'typedef unsigned short __u16;', 'typedef unsigned int __u32;',
    'typedef unsigned long long __u64;', '', 'struct list_head {', '\tstruct list_head *next;', '\tstruct list_head *prev;', '};', ''];
  for (let i = 0; out.join('\n').length < LARGE_DOCUMENT_CHARS * 1.2; i++) {
    for (let j = 0; j < 100; j++) {
      const n = i * 100 + j;
      out.push(`struct gen_${n} {`, '\tstruct list_head list;', '\t__u8 flags;', '\t__u32 count;', '\tunion {', '\t\t__u64 stamp;', '\t\tvoid *priv;', '\t};', '};', '');
    }
  }
  return `${out.join('\n')}\n#endif /* __BIG_H__ */\n`;
}

const PADDED_MAP = 'struct big_key {\n\t__u8 proto;\n\t__u32 addr;\n};\n\nstruct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__uint(max_entries, 64);\n'
  + '\t__type(key, struct big_key);\n\t__type(value, __u64);\n} big_map SEC(".maps");\n';

/** Large C documents over LSP (dist/server.js): they are analysed off the event loop, and still answer like small ones. */
describe('language server: large documents', () => {
  let server: LspServer;
  let workspace: string;

  const nextDiagnostics = (uri: string) => server.nextDiagnostics(uri, { ms: 60_000 });
  const close = (uri: string) => server.closeDocument(uri);
  const threads = () => readdirSync(`/proc/${server.child.pid}/task`).length;
  const open = (uri: string, text: string) => server.open(uri, text);
  const hover = (uri: string, line: number, character: number) => server.hover(uri, line, character);

  before(async () => {
    // the worker stops after 1 s idle holding types-only documents (30 s by default)
    server = await startLspServer({ prefix: 'ebpf-lsp-large-', env: { EBPF_DEBUGGER_IDLE_STOP_MS: '1000' } });
    workspace = server.workspace;
  });
  after(() => server?.close());

  it('publishes a large types-only header\'s (empty) diagnostics, answers hovers on another document meanwhile and on the header\'s own structs', async () => {
    const text = typesHeader();
    assert.ok(text.length > LARGE_DOCUMENT_CHARS);
    const headerFile = path.join(workspace, 'big.h');
    writeFileSync(headerFile, text);
    const small = pathToFileURL(path.join(workspace, 'small.bpf.c')).href;
    const smallReady = nextDiagnostics(small);
    await open(small, 'struct pair {\n\t__u8 a;\n\t__u64 b;\n};\n');
    await smallReady;
    const headerUri = pathToFileURL(headerFile).href;
    const published = nextDiagnostics(headerUri);
    await open(headerUri, text);
    const onSmall = await hover(small, 0, 8); // sent right behind the header
    assert.match(onSmall?.contents.value ?? '', /^16 bytes, align 8, 7 bytes padding/);
    assert.match(onSmall?.contents.value ?? '', /struct pair \{/);
    assert.deepEqual((await published).diagnostics, []);
    // the header's own structs, parsed for this hover
    const lines = text.split('\n');
    const line = lines.indexOf('struct gen_1234 {');
    const onHeader = await hover(headerUri, line, 9);
    assert.match(onHeader?.contents.value ?? '', /^32 bytes, align 8, 3 bytes padding/);
    const onMember = await hover(headerUri, line + 3, 9);
    assert.match(onMember?.contents.value ?? '', /^\*\*count\*\*: offset 20, size 4, align 4; after a 3-byte hole/);
  });

  it('reports the padded key of a map defined in a large document, with its quick fix and code lens', async () => {
    const text = `${typesHeader().replace(/#endif \/\* __BIG_H__ \*\/\n$/, '')}${PADDED_MAP}#endif\n`;
    const uri = pathToFileURL(path.join(workspace, 'big_map.bpf.c')).href;
    const published = nextDiagnostics(uri);
    await open(uri, text);
    const { diagnostics } = await published;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['c-map-key-padding', 2]]);
    const keyLine = text.split('\n').indexOf('struct big_key {');
    assert.equal(diagnostics[0].range.start.line, keyLine);
    const actions = await server.codeActions<{ title: string; edit: { changes: Record<string, unknown[]> } }>(uri, diagnostics[0].range, diagnostics);
    assert.ok(actions.some((a) => /explicit padding/.test(a.title) && a.edit.changes[uri].length > 0), JSON.stringify(actions.map((a) => a.title)));
    const lenses = await server.codeLenses<{ range: { start: { line: number } }; command: { title: string } }>(uri);
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command.title]), [[keyLine, "8 bytes, align 4, 3 bytes padding — key of map 'big_map' (BPF_MAP_TYPE_HASH)"]]);
  });

  it('after an edit that removes the padding, the warning is gone; closing the document clears it', async () => {
    const text = `${typesHeader()}${PADDED_MAP}`;
    const uri = pathToFileURL(path.join(workspace, 'edited.bpf.c')).href;
    let published = nextDiagnostics(uri);
    await open(uri, text);
    assert.equal((await published).diagnostics.length, 1);
    published = nextDiagnostics(uri);
    await server.change(uri, 2, [{ text: text.replace('\t__u8 proto;\n', '\t__u32 proto;\n') }]);
    assert.deepEqual((await published).diagnostics, []);
    published = nextDiagnostics(uri);
    await close(uri);
    assert.deepEqual((await published).diagnostics, []);
  });

  it('a save of another document lints the large one again (it reads the saved header)', async () => {
    const header = path.join(workspace, 'keys.h');
    writeFileSync(header, 'struct big_key {\n\t__u8 proto;\n\t__u32 addr;\n};\n');
    const map = PADDED_MAP.replace(/^struct big_key \{[^}]*\};\n/, '');
    const text = `#include "keys.h"\n${typesHeader()}${map}`;
    const uri = pathToFileURL(path.join(workspace, 'uses_header.bpf.c')).href;
    let published = nextDiagnostics(uri);
    await open(uri, text);
    assert.deepEqual((await published).diagnostics.map((d) => d.code), ['c-map-key-padding']);
    const headerUri = pathToFileURL(header).href;
    const headerOpened = nextDiagnostics(headerUri);
    await open(headerUri, 'struct big_key {\n\t__u32 proto;\n\t__u32 addr;\n};\n');
    await headerOpened;
    writeFileSync(header, 'struct big_key {\n\t__u32 proto;\n\t__u32 addr;\n};\n');
    published = nextDiagnostics(uri);
    await server.save(headerUri);
    assert.deepEqual((await published).diagnostics, []);
    await close(uri);
    await close(headerUri);
  });

  it('the worker stops when idle with only types-only documents, and a later hover on one starts it again', async () => {
    for (const name of ['big.h', 'big_map.bpf.c']) await close(pathToFileURL(path.join(workspace, name)).href); // the earlier tests' documents
    const text = typesHeader();
    const uri = pathToFileURL(path.join(workspace, 'idle.h')).href;
    const published = nextDiagnostics(uri);
    await open(uri, text);
    await published;
    const line = text.split('\n').indexOf('struct gen_77 {');
    // the hover runs in the worker (whether it was still up from the earlier tests' requests or starts now); its
    // idle stop is a thread fewer, and the next hover's start a thread more than that
    assert.match((await hover(uri, line, 9))?.contents.value ?? '', /^32 bytes, align 8/);
    const running = threads();
    for (let waited = 0; threads() >= running; waited += 100) {
      assert.ok(waited < 20_000, `the idle worker did not stop (${threads()} threads)`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const stopped = threads();
    assert.match((await hover(uri, line + 2, 9))?.contents.value ?? '', /^\*\*flags\*\*: offset 16, size 1, align 1; followed by a 3-byte hole/);
    assert.ok(threads() > stopped, `the hover started the worker again (${stopped} -> ${threads()} threads)`);
  });
});
