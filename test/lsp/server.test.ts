import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startLspServer, type LspServer } from '../support/lsp-server';
import { EXAMPLES } from '../support/paths';
import { SHOW_STRUCT_LAYOUT_COMMAND, STRUCT_LAYOUT_REQUEST } from '../../core/lsp-ext';

/** The bundled language server (dist/server.js) over stdio, as the client runs it. */
describe('language server (dist/server.js over LSP)', () => {
  let server: LspServer;
  let lensRefreshes = 0;

  before(async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'ebpf-lsp-ws-'));
    mkdirSync(path.join(workspace, 'bpf'));
    writeFileSync(path.join(workspace, 'bpf', 'prog.bpf.c'), 'struct event {\n\t__u32 pid;\n\t__u64 ts;\n};\n');
    server = await startLspServer({
      workspace, capabilities: { workspace: { codeLens: { refreshSupport: true } } },
      requests: { 'workspace/codeLens/refresh': () => { lensRefreshes++; return null; } },
    });
  });
  after(() => server?.close());
  const nextDiagnostics = (uri: string, version?: number) => server.nextDiagnostics(uri, { version });
  const open = (uri: string, text: string, languageId = 'c', version = 1) => server.open(uri, text, languageId, version);

  it('publishes the c-map-key-padding warning for examples/padded_key.bpf.c', async () => {
    const file = path.join(EXAMPLES, 'padded_key.bpf.c');
    const uri = pathToFileURL(file).href;
    const got = nextDiagnostics(uri);
    await open(uri, readFileSync(file, 'utf8'));
    const { diagnostics: all } = await got;
    // besides the key's padding warning: uninit-stack-helper's info (severity 3) on the same padding, refused without CAP_PERFMON
    assert.deepEqual(all.filter((d) => d.severity === 3).map((d) => d.code), ['uninit-stack-helper']);
    const diags = all.filter((d) => d.severity !== 3);
    assert.equal(diags.length, 1);
    assert.equal(diags[0].code, 'c-map-key-padding');
    assert.equal(diags[0].severity, 2);
    assert.equal(diags[0].source, 'ebpf');
    assert.match(diags[0].message, /3 bytes at offset 1, 6 bytes at offset 10/);
    assert.equal(diags[0].relatedInformation?.[0].location.uri, uri);
  });

  it('clears the warning once the key is made padding-free by an edit', async () => {
    const uri = 'file:///tmp/edit-me.bpf.c';
    const map = 'struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct k);\n\t__type(value, __u64);\n} m SEC(".maps");\n';
    const first = nextDiagnostics(uri);
    await open(uri, 'struct k { __u8 a; __u32 b; };\n' + map);
    assert.equal((await first).diagnostics.length, 1);
    const second = nextDiagnostics(uri, 2);
    await server.change(uri, 2, [{ range: { start: { line: 0, character: 11 }, end: { line: 0, character: 19 } }, text: '__u32 a;' }]);
    assert.deepEqual((await second).diagnostics, []);
  });

  it('hover on a struct or a member shows the layout with its holes; a code lens sums it up; ebpf/structLayout returns it', async () => {
    const file = path.join(EXAMPLES, 'padded_key.bpf.c');
    const uri = pathToFileURL(file).href;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const structLine = lines.findIndex((l) => l.startsWith('struct flow_key {'));
    const hover = (await server.hover(uri, structLine, 10))!;
    assert.match(hover.contents.value, /24 bytes, align 8, 9 bytes padding/);
    assert.match(hover.contents.value, /XXX 3 byte hole at 1/);
    const memberLine = lines.findIndex((l) => l.includes('__u32 saddr;'));
    const onMember = (await server.hover(uri, memberLine, 8))!;
    assert.match(onMember.contents.value, /^\*\*saddr\*\*: offset 4, size 4, align 4; after a 3-byte hole\n/);
    assert.match(onMember.contents.value, /__u32 saddr;\s+\/\*\s+4\s+4 \*\//);
    const lenses = await server.codeLenses<{ range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }>(uri);
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command.title]), [[structLine, "24 bytes, align 8, 9 bytes padding — key of map 'flows' (BPF_MAP_TYPE_HASH)"]]);
    // a click on the lens opens the layout: the client command gets the document and the struct's name
    assert.deepEqual([lenses[0].command.command, ...lenses[0].command.arguments], [SHOW_STRUCT_LAYOUT_COMMAND, uri, 'struct flow_key']);
    const layout = await server.request(STRUCT_LAYOUT_REQUEST, { uri, name: 'flow_key' }) as { layout: { size: number; holes: unknown[] } };
    assert.deepEqual([layout.layout.size, layout.layout.holes.length], [24, 2]);
    const missing = await server.request(STRUCT_LAYOUT_REQUEST, { uri, name: 'nope' }) as { error: string };
    assert.match(missing.error, /no struct or union named 'nope'/);
  });

  it('asks the editor to fetch code lenses again when a document\'s lenses change, not on every analysis', async () => {
    const uri = 'file:///tmp/lens-refresh.bpf.c';
    const map = 'struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct k);\n\t__type(value, __u64);\n} m SEC(".maps");\n';
    const before = lensRefreshes;
    let got = nextDiagnostics(uri);
    await open(uri, `struct k { __u8 a; __u32 b; };\n${map}`);
    // validate() asks for the refresh before it publishes: counted by the time its version's diagnostics arrive
    await got;
    assert.equal(lensRefreshes, before + 1);
    got = nextDiagnostics(uri, 2);
    await server.change(uri, 2, [{ text: `// same lens\nstruct k { __u8 a; __u32 b; };\n${map}` }]);
    await got;
    assert.equal(lensRefreshes, before + 2, 'the lens moved a line down'); // its range changed
    got = nextDiagnostics(uri, 3);
    await server.change(uri, 3, [{ text: `// same lens!\nstruct k { __u8 a; __u32 b; };\n${map}` }]);
    await got;
    assert.equal(lensRefreshes, before + 2, 'nothing changed for the lens');
  });

  it('hover on a member of an anonymous union shows the named struct around it', async () => {
    const uri = 'file:///tmp/anon-member.bpf.c';
    const got = nextDiagnostics(uri);
    await open(uri, 'struct k {\n\tunion {\n\t\t__u8 s;\n\t\t__u64 l;\n\t} u;\n\t__u32 n;\n};\n');
    await got;
    const hover = (await server.hover(uri, 2, 8))!;
    assert.match(hover.contents.value, /^16 bytes, align 8, 4 bytes padding \(BPF target\)/);
    assert.match(hover.contents.value, /union \(anonymous\) u;/);
    assert.equal(hover.range.start.line, 2);
  });

  it('a saved file refreshes the other open documents: a Go type now handed to the kernel in another file of its package', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-lsp-pkg-'));
    writeFileSync(path.join(dir, 'go.mod'), 'module example.com/p\n\ngo 1.22\n');
    const types = 'package main\n\ntype Value struct {\n\tPid uint32\n\tTs  uint64\n}\n';
    writeFileSync(path.join(dir, 'types.go'), types);
    writeFileSync(path.join(dir, 'main.go'), 'package main\n');
    const typesUri = pathToFileURL(path.join(dir, 'types.go')).href;
    const mainUri = pathToFileURL(path.join(dir, 'main.go')).href;
    let got = nextDiagnostics(typesUri);
    await open(typesUri, types, 'go');
    assert.deepEqual((await got).diagnostics, []); // nothing hands Value to the kernel yet
    const main = 'package main\n\nimport "github.com/cilium/ebpf"\n\nfunc f(m *ebpf.Map) {\n\tvar v Value\n\t_ = m.Lookup(uint32(0), &v)\n}\n';
    await open(mainUri, 'package main\n', 'go');
    writeFileSync(path.join(dir, 'main.go'), main);
    await server.change(mainUri, 2, [{ text: main }]);
    got = nextDiagnostics(typesUri);
    await server.save(mainUri);
    const [d] = (await got).diagnostics;
    assert.equal(d.code, 'go-implicit-padding');
    assert.match(d.message, /^Value \(passed to m\.Lookup in main\.go\)/);
  });

  it('compares an open Go type with the workspace\'s C struct it mirrors (go-c-mismatch), learned at start', async () => {
    const uri = pathToFileURL(path.join(server.workspace, 'main.go')).href;
    let got = nextDiagnostics(uri);
    await open(uri, 'package main\n\n//ebpf:struct event\ntype Event struct {\n\tPid uint32\n\tTs  uint32\n}\n', 'go');
    let diags = (await got).diagnostics;
    // the workspace scan runs after initialize: the Go document is analysed again when it is done
    if (!diags.some((d) => d.code === 'go-c-mismatch')) {
      got = nextDiagnostics(uri);
      diags = (await got).diagnostics;
    }
    const mismatch = diags.find((d) => d.code === 'go-c-mismatch');
    assert.ok(mismatch, JSON.stringify(diags));
    assert.equal(mismatch.severity, 1);
    assert.match(mismatch.message, /Event\.Ts \(offset 4, 4 bytes\) vs event\.ts \(offset 8, 8 bytes\)/);
  });

  it('quick fixes: explicit padding (preferred) and a reorder for the padded key; applying one clears the warning', async () => {
    const uri = 'file:///tmp/fix-me.bpf.c';
    const map = 'struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct k);\n\t__type(value, __u64);\n} m SEC(".maps");\n';
    const first = nextDiagnostics(uri);
    await open(uri, `struct k {\n\t__u8 a;\n\t__u64 b;\n\t__u8 c;\n};\n${map}`);
    const [diag] = (await first).diagnostics;
    assert.equal(diag.code, 'c-map-key-padding');
    type Action = { title: string; kind: string; isPreferred?: boolean; diagnostics: { code: string }[]; edit: { changes: Record<string, { range: unknown; newText: string }[]> } };
    const actions = await server.codeActions<Action>(uri, diag.range, [diag]);
    assert.deepEqual(actions.map((a) => [a.title, a.kind, a.isPreferred ?? false]), [
      ['Insert explicit padding (__pad0[7], __pad1[7])', 'quickfix', true],
      ['Reorder fields by alignment (size 24 → 16, 6 bytes of padding)', 'quickfix', false],
    ]);
    assert.deepEqual(actions[0].diagnostics.map((d) => d.code), ['c-map-key-padding']);
    const onlyRefactors = await server.codeActions<Action>(uri, diag.range, [diag], ['refactor']);
    assert.deepEqual(onlyRefactors, []);
    const second = nextDiagnostics(uri, 2);
    await server.change(uri, 2, actions[0].edit.changes[uri].map((e) => ({ range: e.range, text: e.newText })).reverse());
    assert.deepEqual((await second).diagnostics, []);
  });

  it('Go: hover shows the layout and the encoding/binary size; a code lens on a struct handed to the kernel; ebpf/structLayout', async () => {
    const uri = 'file:///tmp/lens.go';
    const got = nextDiagnostics(uri);
    // handed to the kernel by a cilium/ebpf map (binary.Write to some writer is not the kernel)
    await open(uri, 'package main\n\nimport "github.com/cilium/ebpf"\n\ntype Value struct {\n\tPid uint32\n\tTs  uint64\n}\n\nfunc f(m *ebpf.Map) { _ = m.Put(uint32(0), &Value{}) }\n', 'go');
    assert.deepEqual((await got).diagnostics.map((d) => d.code), ['go-implicit-padding']);
    const hover = (await server.hover(uri, 5, 2))!;
    assert.match(hover.contents.value, /^\*\*Pid\*\*: offset 0, size 4, align 4; followed by a 4-byte hole\n\n16 bytes, align 8, 4 bytes padding \(amd64 and arm64\); encoding\/binary packs it to 12/);
    assert.match(hover.contents.value, /type Value struct \{.*\n\s+Pid uint32\s+\/\*\s+0\s+4 \*\/\n\s+\/\* XXX 4 byte hole at 4 \*\//);
    const lenses = await server.codeLenses<{ command: { title: string } }>(uri);
    assert.deepEqual(lenses.map((l) => l.command.title), ['16 bytes, align 8, 4 bytes padding; encoding/binary packs it to 12 — passed to m.Put']);
    const layout = await server.request(STRUCT_LAYOUT_REQUEST, { uri, name: 'Value' }) as { layout: { language: string; size: number; binarySize: number } };
    assert.deepEqual([layout.layout.language, layout.layout.size, layout.layout.binarySize], ['go', 16, 12]);
  });

  it('survives half-typed C and Go without publishing nonsense', async () => {
    const c = 'file:///tmp/half.bpf.c';
    const gotC = nextDiagnostics(c);
    await open(c, 'struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct');
    assert.deepEqual((await gotC).diagnostics, []);
    const go = 'file:///tmp/half.go';
    const gotGo = nextDiagnostics(go);
    await open(go, 'package main\ntype K struct { A uint8; B ', 'go');
    assert.deepEqual((await gotGo).diagnostics, []);
  });
});
