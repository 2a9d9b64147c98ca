import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { followWrites } from '../../core/source/c-usage';
import { cModel } from '../support/c-model';

/** A key with holes at bytes 1-3 and 10-15 (size 24), and a helper stub, so clang compiles it as a BPF program does. */
const PRELUDE = `typedef unsigned char __u8; typedef unsigned short __u16; typedef unsigned int __u32; typedef unsigned long long __u64;
struct key { __u8 a; __u32 b; __u16 c; __u64 d; };
struct ctx { __u32 x, y; };
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *) 3;
struct { int x; } m __attribute__((section(".maps")));
`;
const PADDING = [1, 2, 3, 10, 11, 12, 13, 14, 15];

/** Ways to fill a key, with values only known at run time (constants let clang merge stores over the padding by chance). */
const CASES: Record<string, string> = {
  'empty braces, then members': 'struct key k = {};\n\tk.a = c->x;\n\tk.b = c->y;',
  'braces with 0, then members': 'struct key k = {0};\n\tk.a = c->x;\n\tk.d = c->y;',
  'memset, then members': 'struct key k;\n\t__builtin_memset(&k, 0, sizeof(k));\n\tk.a = c->x;\n\tk.c = c->y;',
  'a zeroed compound literal': 'struct key k;\n\tk = (struct key){};\n\tk.b = c->x;',
  'a copy of a zeroed key': 'struct key z = {};\n\tz.a = c->x;\n\tstruct key k;\n\tk = z;',
  'members one by one': 'struct key k;\n\tk.a = c->x;\n\tk.b = c->y;\n\tk.c = c->x;\n\tk.d = c->y;',
  'a designated initialiser of every member': 'struct key k = { .a = c->x, .b = c->y, .c = c->x, .d = c->y };',
  'a positional initialiser': 'struct key k = { c->x, c->y, 1, c->x };',
};

/** The stack bytes (relative to the key) that the compiled function stores before its helper call. */
function storedKeyBytes(disassembly: string): Set<number> {
  const lines = disassembly.split('\n').map((l) => l.replace(/^\s*\d+:\s*/, '').trim());
  const callAt = lines.findIndex((l) => l.startsWith('call'));
  const before = lines.slice(0, callAt);
  const keyAt = before.map((l) => /^r2 \+= -(\d+)$/.exec(l)).find((m) => m) ?? null;
  assert.ok(keyAt, `the key's stack slot: ${disassembly}`);
  const base = -Number(keyAt[1]);
  const stored = new Set<number>();
  for (const l of before) {
    const m = /^\*\(u(8|16|32|64) \*\)\(r10 - (\d+)\) = /.exec(l);
    if (!m) continue;
    const from = -Number(m[2]) - base;
    for (let i = 0; i < Number(m[1]) / 8; i++) stored.add(from + i);
  }
  return stored;
}

describe('what clang does with each way of filling a key (the zeroing the padding rules assume)', () => {
  it('the rules call a key zeroed exactly when clang -O2 -target bpf stores every padding byte before the helper reads it', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-zeroing-'));
    const verdicts: string[] = [];
    for (const [name, body] of Object.entries(CASES)) {
      const src = `${PRELUDE}__attribute__((section("xdp"))) int prog(struct ctx *c)\n{\n\t${body}\n\tbpf_map_delete_elem(&m, &k);\n\treturn 0;\n}\n`;
      const file = path.join(dir, 'k.c');
      writeFileSync(file, src);
      execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-c', file, '-o', path.join(dir, 'k.o')]);
      const stored = storedKeyBytes(execFileSync('llvm-objdump', ['-d', '--no-show-raw-insn', path.join(dir, 'k.o')], { encoding: 'utf8' }));
      const paddingWritten = PADDING.every((b) => stored.has(b));
      const model = await cModel(src);
      const [use] = model.keyUses ?? [];
      assert.ok(use, `${name}: the key use is seen`);
      const [state] = followWrites(model, use.init, use.range).map((w) => w.init?.state);
      assert.equal(state === 'zeroed', paddingWritten, `${name}: the rule says ${state}, clang ${paddingWritten ? 'writes' : 'leaves'} the padding (stored bytes ${[...stored].sort((a, b) => a - b).join(',')})`);
      verdicts.push(`${name}: ${state}`);
    }
    // both answers must occur, or the test shows less than it claims
    assert.ok(verdicts.some((v) => v.endsWith('zeroed')) && verdicts.some((v) => v.endsWith('unwritten')), verdicts.join('; '));
  });
});
