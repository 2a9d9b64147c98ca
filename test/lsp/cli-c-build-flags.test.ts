import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/run-cli';

const hashMap = (key: string) => `struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, ${key});\n\t__type(value, __u64);\n} m SEC(".maps");\n`;

describe('ebpf-debugger lint and layout -D NAME[=VALUE]', () => {
  it('lint -D decides the #ifs of a struct; without it the struct is laid out with the macro undefined', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-cli-defines-'));
    const src = path.join(dir, 'prog.bpf.c');
    writeFileSync(src, `struct key {\n\t__u32 addr;\n#ifdef WITH_PROTO\n\t__u8 proto;\n#endif\n};\n${hashMap('struct key')}`);
    const without = runCli(['lint', src, '--json']);
    assert.deepEqual([without.code, JSON.parse(without.stdout).findings], [0, []], without.stderr);
    const withD = runCli(['lint', src, '-D', 'WITH_PROTO', '--json']);
    assert.equal(withD.code, 1, withD.stderr);
    assert.deepEqual(JSON.parse(withD.stdout).findings.map((f: { rule: string; line: number }) => [f.rule, f.line]), [['c-map-key-padding', 1]]);
    const bad = runCli(['lint', src, '-D', '9lives=1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /-D 9lives=1: a macro name is a C identifier/);
  });

  it('layout -D NAME=VALUE sizes arrays and picks #elif branches; an undecidable #if says why on stderr', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-cli-defines-'));
    const src = path.join(dir, 'k.bpf.c');
    writeFileSync(src, '#ifndef SLOTS\n#define SLOTS 4\n#endif\nstruct hist {\n\t__u32 slots[SLOTS];\n#if MODE == 2\n\t__u64 cgroup;\n#elif MODE == 1\n\t__u32 pid;\n#endif\n};\n'
      + 'struct later {\n#if __clang_major__ >= 14\n\t__u64 x;\n#endif\n};\n');
    const r = runCli(['layout', src, '-D', 'SLOTS=6', '-D', 'MODE=2', '--json', '--struct', 'hist']);
    assert.equal(r.code, 0, r.stderr);
    const [hist] = JSON.parse(r.stdout).structs;
    assert.deepEqual(hist.fields.map((f: { name: string; offset: number; size: number }) => [f.name, f.offset, f.size]), [['slots', 0, 24], ['cgroup', 24, 8]]);
    const later = runCli(['layout', src, '--struct', 'later']);
    assert.equal(later.code, 2);
    assert.match(later.stderr, /later: not laid out, member 'x' of struct later depends on #if __clang_major__ >= 14: __clang_major__ is defined under a condition that cannot be decided/);
  });
});
