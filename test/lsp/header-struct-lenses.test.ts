import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { SHOW_STRUCT_LAYOUT_COMMAND, STRUCT_LAYOUT_REQUEST } from '../../core/lsp-ext';
import { startLspServer, type LspServer } from '../support/lsp-server';

/** The usual libbpf layout: the structs in a header shared with user space, the map in the .bpf.c. */
const HEADER = `#pragma once
struct flow_key {
\t__u8 proto;
\t__u32 saddr;
};
struct scratch {
\t__u8 a;
\t__u64 b;
};
struct sample {
\tev_u32 pid;
\tev_u64 ts;
};
`;

const MAP = `struct {
\t__uint(type, BPF_MAP_TYPE_HASH);
\t__uint(max_entries, 64);
\t__type(key, struct flow_key);
\t__type(value, __u64);
} flows SEC(".maps");
`;

/**
 * `struct scratch` is used, but only on the stack: its bytes never reach a map. `struct sample` is sent to user space,
 * its member types declared before the include (as vmlinux.h declares `u32` for libbpf-tools' headers).
 */
const PROGRAM = `typedef unsigned int ev_u32;
typedef unsigned long long ev_u64;
#include "ev.h"

${MAP}struct {
\t__uint(type, BPF_MAP_TYPE_RINGBUF);
\t__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int prog(void *ctx)
{
\tstruct flow_key k = {};
\tstruct scratch s = {};
\t__u64 one = s.b;
\tstruct sample e = {};
\tbpf_map_update_elem(&flows, &k, &one, 0);
\tbpf_ringbuf_output(&events, &e, sizeof(e), 0);
\treturn 2;
}
`;

/** Another directory's ev.h, of the same name, whose `struct scratch` is a map key: not the first header's struct. */
const OTHER_HEADER = 'struct scratch {\n\t__u32 x;\n};\n';
const OTHER_PROGRAM = `#include "ev.h"\nstruct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct scratch);\n\t__type(value, __u64);\n} other SEC(".maps");\n`;

type Lens = { range: { start: { line: number } }; command: { title: string; command: string; arguments: [string, string] } };

describe('code lenses of structs declared in a header and used as map keys in its includer (dist/server.js over LSP)', () => {
  let server: LspServer;
  let dir: string;
  let header: string;
  let program: string;
  const nextDiagnostics = (uri: string) => server.nextDiagnostics(uri);
  const lensesOf = (uri: string) => server.codeLenses<Lens>(uri);
  const summary = (lenses: Lens[]) => lenses.map((l) => [l.range.start.line, l.command.title]);
  const lineOf = (text: string, s: string) => text.split('\n').findIndex((l) => l.includes(s));

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-lsp-header-lens-'));
    writeFileSync(path.join(dir, 'ev.h'), HEADER);
    writeFileSync(path.join(dir, 'prog.bpf.c'), PROGRAM);
    mkdirSync(path.join(dir, 'other'));
    writeFileSync(path.join(dir, 'other', 'ev.h'), OTHER_HEADER);
    writeFileSync(path.join(dir, 'other', 'other.bpf.c'), OTHER_PROGRAM);
    header = pathToFileURL(path.join(dir, 'ev.h')).href;
    program = pathToFileURL(path.join(dir, 'prog.bpf.c')).href;
    server = await startLspServer({ workspace: dir });
  });
  after(() => server?.close());

  it('the header, opened alone (as cpp): a lens on the struct its closed includer uses as a map key, none on the other', async () => {
    const got = nextDiagnostics(header);
    await server.open(header, HEADER, 'cpp');
    await got;
    const lenses = await lensesOf(header);
    // not on struct scratch: prog.bpf.c keeps it on the stack, and other/other.bpf.c's key is other/ev.h's scratch
    assert.deepEqual(summary(lenses), [
      [lineOf(HEADER, 'struct flow_key'), "8 bytes, align 4, 3 bytes padding — key of map 'flows' (BPF_MAP_TYPE_HASH) in prog.bpf.c"],
      [lineOf(HEADER, 'struct sample'), '16 bytes, align 8, 4 bytes padding — sent to user space by bpf_ringbuf_output(&events, &e, sizeof(e), 0) in prog.bpf.c'],
    ]);
    // a click runs Show Struct Layout for the header's struct
    const [uri, name] = lenses[0].command.arguments;
    assert.deepEqual([lenses[0].command.command, uri, name], [SHOW_STRUCT_LAYOUT_COMMAND, header, 'struct flow_key']);
    const layout = await server.request(STRUCT_LAYOUT_REQUEST, { uri, name }) as { layout: { name: string; size: number; holes: { offset: number; size: number }[] } };
    assert.deepEqual([layout.layout.name, layout.layout.size, layout.layout.holes.map((h) => [h.offset, h.size])], ['struct flow_key', 8, [[1, 3]]]);
  });

  it('a header struct whose member types come from the includer: laid out as the includer compiles it, lens and layout alike', async () => {
    // the header alone does not know ev_u32 and ev_u64: the hover says whose layout it shows
    const hover = (await server.hover(header, lineOf(HEADER, 'struct sample'), 9))!;
    assert.match(hover.contents.value, /^16 bytes, align 8, 4 bytes padding \(BPF target, as prog\.bpf\.c compiles it\)/);
    assert.match(hover.contents.value, /XXX 4 byte hole at 4/);
    const lens = (await lensesOf(header)).find((l) => l.range.start.line === lineOf(HEADER, 'struct sample'));
    assert.ok(lens, 'a lens on struct sample');
    const [uri, name] = lens.command.arguments;
    const layout = await server.request(STRUCT_LAYOUT_REQUEST, { uri, name }) as { layout: { name: string; size: number; holes: { offset: number; size: number }[] } };
    assert.deepEqual([uri, layout.layout.name, layout.layout.size, layout.layout.holes.map((h) => [h.offset, h.size])], [header, 'struct sample', 16, [[4, 4]]]);
  });

  it('a lens request sent with a header\'s open has its closed includer\'s lens', async () => {
    // a second header and its includer, opened and closed first (the includer's headers are then known)
    const file = path.join(dir, 'stats.h');
    writeFileSync(file, 'struct stat_key {\n\t__u32 cpu;\n\t__u64 id;\n};\n');
    const includer = path.join(dir, 'stats.bpf.c');
    writeFileSync(includer, `#include "stats.h"\n${MAP.replace('struct flow_key', 'struct stat_key').replace('flows', 'stats')}`);
    const includerUri = pathToFileURL(includer).href;
    const got = nextDiagnostics(includerUri);
    await server.open(includerUri, readFileSync(includer, 'utf8'));
    await got;
    await server.closeDocument(includerUri);
    const uri = pathToFileURL(file).href;
    await server.open(uri, readFileSync(file, 'utf8'), 'cpp');
    assert.deepEqual(summary(await lensesOf(uri)), [[0, "16 bytes, align 8, 4 bytes padding — key of map 'stats' (BPF_MAP_TYPE_HASH) in stats.bpf.c"]]);
  });

  it('a header reached only through another header (prog.bpf.c includes ev.h, ev.h includes common.h): its closed includer\'s lens', async () => {
    // another directory, its own ev.h and prog.bpf.c: the includer index resolves each include from where it is written
    const nested = path.join(dir, 'nested');
    mkdirSync(nested);
    const common = 'struct conn_key {\n\t__u32 ip;\n\t__u16 port;\n};\n';
    writeFileSync(path.join(nested, 'common.h'), common);
    writeFileSync(path.join(nested, 'ev.h'), '#pragma once\n#include "common.h"\n');
    writeFileSync(path.join(nested, 'prog.bpf.c'), `#include "ev.h"\n${MAP.replace('struct flow_key', 'struct conn_key').replace('flows', 'conns')}`);
    const uri = pathToFileURL(path.join(nested, 'common.h')).href;
    const got = nextDiagnostics(uri);
    await server.open(uri, common, 'cpp');
    await got;
    assert.deepEqual(summary(await lensesOf(uri)), [[0, "8 bytes, align 4, 2 bytes padding — key of map 'conns' (BPF_MAP_TYPE_HASH) in prog.bpf.c"]]);
    await server.closeDocument(uri);
  });

  it('headers that include each other (a.h includes b.h includes a.h): the lens comes, once, from the includer', async () => {
    const cycle = path.join(dir, 'cycle');
    mkdirSync(cycle);
    const b = '#pragma once\n#include "a.h"\nstruct ring_key {\n\t__u64 id;\n\t__u8 cpu;\n};\n';
    writeFileSync(path.join(cycle, 'a.h'), '#pragma once\n#include "b.h"\n');
    writeFileSync(path.join(cycle, 'b.h'), b);
    writeFileSync(path.join(cycle, 'ring.bpf.c'), `#include "a.h"\n${MAP.replace('struct flow_key', 'struct ring_key').replace('flows', 'rings')}`);
    const uri = pathToFileURL(path.join(cycle, 'b.h')).href;
    const got = nextDiagnostics(uri);
    await server.open(uri, b, 'cpp');
    await got;
    // one use, so no "(+1 more)": the includer was found once, though the headers lead to each other
    assert.deepEqual(summary(await lensesOf(uri)), [[lineOf(b, 'struct ring_key'), "16 bytes, align 8, 7 bytes padding — key of map 'rings' (BPF_MAP_TYPE_HASH) in ring.bpf.c"]]);
    await server.closeDocument(uri);
  });

  it('the includer: a lens over the `__type(key, struct flow_key)` line naming the header, opening its layout', async () => {
    const got = nextDiagnostics(program);
    await server.open(program, PROGRAM);
    await got;
    const lenses = await lensesOf(program);
    assert.deepEqual(summary(lenses), [
      [lineOf(PROGRAM, '__type(key, struct flow_key)'), 'key: struct flow_key (ev.h) — 8 bytes, align 4, 3 bytes padding'],
      [lineOf(PROGRAM, 'bpf_ringbuf_output('), 'event: struct sample (ev.h) — 16 bytes, align 8, 4 bytes padding'],
    ]);
    const [uri, name] = lenses[0].command.arguments;
    assert.deepEqual([lenses[0].command.command, uri, name], [SHOW_STRUCT_LAYOUT_COMMAND, program, 'struct flow_key']);
    const layout = await server.request(STRUCT_LAYOUT_REQUEST, { uri, name }) as { layout: { name: string; size: number; holes: unknown[] } };
    assert.deepEqual([layout.layout.name, layout.layout.size, layout.layout.holes.length], ['struct flow_key', 8, 1]);
  });

  it('an edit of the open includer moves the header\'s lens to the struct its map now uses', async () => {
    const edited = PROGRAM.replace('__type(key, struct flow_key)', '__type(key, struct scratch)');
    const got = nextDiagnostics(program);
    await server.change(program, 2, [{ text: edited }]);
    await got;
    const want = [
      [lineOf(HEADER, 'struct scratch'), "16 bytes, align 8, 7 bytes padding — key of map 'flows' (BPF_MAP_TYPE_HASH) in prog.bpf.c"],
      [lineOf(HEADER, 'struct sample'), '16 bytes, align 8, 4 bytes padding — sent to user space by bpf_ringbuf_output(&events, &e, sizeof(e), 0) in prog.bpf.c'],
    ];
    // the header's lenses follow the includer's analysis, which ends just after its diagnostics are published
    let now = summary(await lensesOf(header));
    for (const until = Date.now() + 30_000; JSON.stringify(now) !== JSON.stringify(want) && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 100));
      now = summary(await lensesOf(header));
    }
    assert.deepEqual(now, want);
    assert.deepEqual(summary(await lensesOf(program)).slice(0, 1), [[lineOf(edited, '__type(key, struct scratch)'), 'key: struct scratch (ev.h) — 16 bytes, align 8, 7 bytes padding']]);
  });
});
