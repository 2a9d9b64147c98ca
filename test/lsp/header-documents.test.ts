import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { STRUCT_LAYOUT_REQUEST } from '../../core/lsp-ext';
import { startLspServer, type LspServer } from '../support/lsp-server';

/** A header with a padded map key (3 bytes after `proto`), a typedef of it, and a padding-free struct. */
const HEADER = `#pragma once
struct flow_key {
\t__u8 proto;
\t__u32 saddr;
};
typedef struct flow_key flow_key_t;
struct event {
\t__u64 ts;
\t__u32 pid;
\t__u32 cpu;
};
struct {
\t__uint(type, BPF_MAP_TYPE_HASH);
\t__type(key, struct flow_key);
\t__type(value, __u64);
} header_flows SEC(".maps");
`;

/** A program using the header's structs in a declaration, a cast, a sizeof and through the typedef. */
const PROGRAM = `#include "flow.h"
int count(void *data) {
\tstruct flow_key key = {};
\tstruct event *e = (struct event *)data;
\t__u64 n = sizeof(struct event);
\tflow_key_t other;
\t// struct event in a comment
\treturn e->pid + n + key.proto + other.proto;
}
`;

describe('header documents and struct uses (dist/server.js over LSP)', () => {
  let server: LspServer;
  const nextDiagnostics = (uri: string) => server.nextDiagnostics(uri);
  const hoverAt = (uri: string, line: number, character: number) => server.hover(uri, line, character);
  /** The column inside the `nth` occurrence of `word` on line `line` of PROGRAM. */
  const col = (line: number, word: string, nth = 0) => {
    let at = -1;
    for (let i = 0; i <= nth; i++) at = PROGRAM.split('\n')[line].indexOf(word, at + 1);
    assert.ok(at >= 0, `${word} on line ${line}`);
    return at + 2;
  };
  let header: string;
  let program: string;

  before(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-lsp-headers-'));
    writeFileSync(path.join(dir, 'flow.h'), HEADER);
    writeFileSync(path.join(dir, 'count.bpf.c'), PROGRAM);
    header = pathToFileURL(path.join(dir, 'flow.h')).href;
    program = pathToFileURL(path.join(dir, 'count.bpf.c')).href;
    server = await startLspServer({ workspace: dir });
  });
  after(() => server?.close());

  it('lints and hovers a .h the editor opened as cpp', async () => {
    const got = nextDiagnostics(header);
    await server.open(header, HEADER, 'cpp');
    const { diagnostics } = await got;
    const padding = diagnostics.filter((d) => d.code === 'c-map-key-padding');
    assert.equal(padding.length, 1, JSON.stringify(diagnostics));
    assert.match(padding[0].message, /3 bytes at offset 1/);
    const onDecl = await hoverAt(header, 1, 10);
    assert.match(onDecl!.contents.value, /8 bytes, align 4, 3 bytes padding/);
  });

  it('a hover on a use of a header struct (declaration, cast, sizeof, typedef) shows its layout', async () => {
    const got = nextDiagnostics(program);
    await server.open(program, PROGRAM);
    await got;
    const decl = await hoverAt(program, 2, col(2, 'flow_key'));
    assert.match(decl!.contents.value, /^Declared in `flow\.h`/);
    assert.match(decl!.contents.value, /8 bytes, align 4, 3 bytes padding/);
    assert.match(decl!.contents.value, /XXX 3 byte hole at 1/);
    assert.deepEqual([decl!.range.start.line, decl!.range.start.character, decl!.range.end.character], [2, col(2, 'flow_key') - 2, col(2, 'flow_key') - 2 + 'flow_key'.length]);
    const event = /16 bytes, align 8, no padding/;
    assert.match((await hoverAt(program, 3, col(3, 'event')))!.contents.value, event, 'the declared pointer type');
    assert.match((await hoverAt(program, 3, col(3, 'event', 1)))!.contents.value, event, 'the cast');
    assert.match((await hoverAt(program, 4, col(4, 'event')))!.contents.value, event, 'sizeof');
    const typedef = (await hoverAt(program, 5, col(5, 'flow_key_t')))!.contents.value;
    assert.match(typedef, /^Declared in `flow\.h`\n\n8 bytes, align 4, 3 bytes padding/, 'the typedef name');
    assert.match(typedef, /struct flow_key \{/);
  });

  it('says nothing on words that are not struct types', async () => {
    assert.equal(await hoverAt(program, 6, col(6, 'event')), null, 'a comment');
    assert.equal(await hoverAt(program, 7, col(7, 'pid')), null, 'a member access');
    assert.equal(await hoverAt(program, 1, col(1, 'count')), null, 'a function name');
  });

  it('ebpf/structLayout finds a struct of an included header, by tag or typedef name', async () => {
    const byTag = await server.request(STRUCT_LAYOUT_REQUEST, { uri: program, name: 'struct flow_key' }) as { layout: { name: string; size: number; holes: unknown[] } };
    assert.deepEqual([byTag.layout.name, byTag.layout.size, byTag.layout.holes.length], ['struct flow_key', 8, 1]);
    const bare = await server.request(STRUCT_LAYOUT_REQUEST, { uri: program, name: 'event' }) as { layout: { size: number } };
    assert.equal(bare.layout.size, 16);
    const typedef = await server.request(STRUCT_LAYOUT_REQUEST, { uri: program, name: 'flow_key_t' }) as { layout: { name: string } };
    assert.equal(typedef.layout.name, 'struct flow_key');
    const missing = await server.request(STRUCT_LAYOUT_REQUEST, { uri: program, name: 'nope' }) as { error: string };
    assert.match(missing.error, /no struct or union named 'nope' in this document or the headers it includes/);
  });
});
