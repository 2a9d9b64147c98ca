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

describe('ebpf-debugger lint: C advice fits the project', () => {
  it('advice about Go mirrors only when a Go file of the run mirrors the struct; C terms otherwise', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-cli-mirrors-'));
    const c = path.join(dir, 'prog.bpf.c');
    const go = path.join(dir, 'main.go');
    writeFileSync(c, 'struct event {\n\t__u32 pid;\n\t__u64 ts;\n};\nstruct {\n\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n} rb SEC(".maps");\n'
      + 'SEC("tp")\nint handle(void *ctx)\n{\n\tstruct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);\n\tif (!e)\n\t\treturn 0;\n\te->pid = 1;\n\tbpf_ringbuf_submit(e, 0);\n\treturn 0;\n}\n');
    writeFileSync(go, 'package main\n\n//ebpf:struct event\ntype Event struct {\n\tPid uint32\n\t_   [4]byte\n\tTs  uint64\n}\n');
    const message = (args: string[]) => {
      const r = runCli(['lint', ...args, '--json']);
      const f = JSON.parse(r.stdout).findings.find((x: { rule: string }) => x.rule === 'c-map-value-padding');
      assert.ok(f, r.stdout + r.stderr);
      return f.message as string;
    };
    assert.match(message([c]), /user space reading it \(with the same C struct\)/);
    assert.doesNotMatch(message([c]), /Go/);
    // the Go file named after the C one: its Go types are known before the C findings are worded
    assert.match(message([c, go]), /give the Go type that mirrors it the same holes as `_ \[N\]byte` fields/);
  });
});
