import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';
import { includeArgs, splitCommand } from '../../core/analyze/compile-commands';
import { CLayoutEngine } from '../../core/layout/c-layout';
import { GoLayoutEngine } from '../../core/layout/go-layout';

const hashMap = (key: string) => `struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, ${key});\n\t__type(value, __u64);\n} m SEC(".maps");\n`;

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-types-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('types a file does not define', () => {
  it('C: quoted includes are parsed (transitively, constants too); the finding sits at the use and names the header', async () => {
    const dir = tmp({
      'common.h': '#pragma once\n#include "sizes.h"\nstruct key { __u8 proto; __u32 addr; char comm[COMM_LEN]; };\n',
      'sizes.h': '#define COMM_LEN 16\n',
      'prog.bpf.c': `#include "common.h"\n${hashMap('struct key')}`,
    });
    const file = path.join(dir, 'prog.bpf.c');
    const analyzer = new SourceAnalyzer();
    const a = await analyzer.analyze('c', `#include "common.h"\n${hashMap('struct key')}`, { file });
    assert.deepEqual(a.cModel!.headers!.map((h) => path.basename(h.file!)), ['common.h', 'sizes.h']);
    const [f, ...rest] = a.findings;
    assert.deepEqual(rest, []);
    assert.equal(f.rule, 'c-map-key-padding');
    assert.equal(f.range.start.line, 3); // the __type(key, ...) line of this file, not a line of the header
    assert.match(f.message, /^struct key \(defined in common\.h\) is the key of hash map 'm' but has 3 padding bytes .* \(size 24\)/);
    assert.equal(f.fixes, undefined); // its edits would belong to the header
    const without = await analyzer.analyze('c', `#include "common.h"\n${hashMap('struct key')}`);
    // no file, no headers: unknown, not guessed, and said so (issue 11: silence must mean "checked")
    assert.deepEqual(without.findings.map((x) => [x.rule, x.severity]), [['layout-unknown', 'info']]);
    assert.match(without.findings[0].message, /^struct key \(key of map 'm' \(BPF_MAP_TYPE_HASH\)\) was not laid out, so its padding was not checked: struct key is not defined in this file\. Point lint at the header that defines it \(-I DIR\)/);
  });

  it('C: an include found neither beside the file nor in -I is the nearest workspace header ending the same way', async () => {
    const padded = 'struct key { __u8 proto; __u32 addr; };\n';
    const dir = tmp({ 'headers/common.h': padded, 'other/headers/common.h': 'struct key { __u32 addr; };\n', 'bpf/prog.bpf.c': '', 'other/bpf/x.bpf.c': '' });
    const src = `#include "common.h"\n${hashMap('struct key')}`;
    const lint = (a: SourceAnalyzer, file: string) => a.analyze('c', src, { file: path.join(dir, file) }).then((r) => r.findings.map((f) => f.rule));
    const analyzer = new SourceAnalyzer();
    assert.deepEqual(await lint(analyzer, 'bpf/prog.bpf.c'), ['layout-unknown']); // not beside it, no search path: unknown, not guessed
    analyzer.setIncludeSearch({ workspaceHeaders: [path.join(dir, 'other/headers/common.h'), path.join(dir, 'headers/common.h')] });
    assert.deepEqual(await lint(analyzer, 'bpf/prog.bpf.c'), ['c-map-key-padding']); // headers/common.h: as near, and shorter
    assert.deepEqual(await lint(analyzer, 'other/bpf/x.bpf.c'), []); // other/headers/common.h shares more of its path (no padding)
    const withI = new SourceAnalyzer();
    withI.setIncludeSearch({ includeDirs: [path.join(dir, 'other/headers')], workspaceHeaders: [path.join(dir, 'headers/common.h')] });
    assert.deepEqual(await lint(withI, 'bpf/prog.bpf.c'), []); // -I comes before the workspace
  });

  it('C: the include directories the build gives the file, from the nearest compile_commands.json (command or arguments)', async () => {
    const padded = 'struct key { __u8 proto; __u32 addr; };\n';
    const dir = tmp({ 'third_party/inc/common.h': padded, 'src/bpf/prog.bpf.c': '', 'src/bpf/other.bpf.c': '', 'src/bpf/elsewhere.bpf.c': '' });
    writeFileSync(path.join(dir, 'compile_commands.json'), JSON.stringify([
      { directory: path.join(dir, 'src'), file: 'bpf/prog.bpf.c', command: 'clang -g -O2 -target bpf "-I../third_party/inc" -c bpf/prog.bpf.c' },
      { directory: dir, file: 'src/bpf/other.bpf.c', arguments: ['clang', '-iquote', 'third_party/inc', '-c', 'src/bpf/other.bpf.c'] },
    ]));
    const src = `#include "common.h"\n${hashMap('struct key')}`;
    const analyzer = new SourceAnalyzer();
    for (const f of ['src/bpf/prog.bpf.c', 'src/bpf/other.bpf.c']) {
      const a = await analyzer.analyze('c', src, { file: path.join(dir, f) });
      assert.deepEqual(a.findings.map((x) => x.rule), ['c-map-key-padding'], f);
    }
    // a file the database does not list gets no include directories from it
    assert.deepEqual((await analyzer.analyze('c', src, { file: path.join(dir, 'src/bpf/elsewhere.bpf.c') })).findings.map((x) => x.rule), ['layout-unknown']);
  });

  it('compilation database commands: words as sh splits them, include flags in every spelling', () => {
    assert.deepEqual(splitCommand(String.raw`clang -DX="a b" 'single quoted' back\ slash "q\"uote" -I dir`),
      ['clang', '-DX=a b', 'single quoted', 'back slash', 'q"uote', '-I', 'dir']);
    assert.deepEqual(includeArgs(['-I', 'a', '-Ib', '-iquote', 'c', '-isystemd', '-idirafter', 'e', '-include', 'f.h', '-DI=1']), ['a', 'b', 'c', 'd', 'e']);
  });

  it("C: the kernel's BTF for a vmlinux.h user, and the compiled object's BTF for the rest", async () => {
    if (!existsSync('/sys/kernel/btf/vmlinux')) assert.fail('this test needs a kernel with BTF (/sys/kernel/btf/vmlinux)');
    const kernelUser = tmp({ 'k.bpf.c': '' });
    const src = `#include "vmlinux.h"\nstruct k { struct in6_addr addr; __u16 port; };\n${hashMap('struct k')}`;
    const a = await new SourceAnalyzer().analyze('c', src, { file: path.join(kernelUser, 'k.bpf.c') });
    const rec = a.cModel!.records.find((r) => r.name === 'k')!;
    const out = new CLayoutEngine(a.cModel!).structLayout(rec);
    assert.ok(out.ok, out.ok ? '' : out.reason);
    assert.deepEqual([out.value.size, out.value.align, out.value.holes], [20, 4, [{ offset: 18, size: 2, trailing: true }]]);

    // a type from a system include (not parsed) is unknown until the object is built next to the source
    const dir = tmp({ 'inc/inner.h': 'struct inner { unsigned long long a; unsigned char b; };\n', 'p.c': '' });
    const text = '#include <inner.h>\nstruct outer { struct inner i; unsigned char c; };\nstruct outer keep;\n';
    writeFileSync(path.join(dir, 'p.c'), text);
    const before = await new SourceAnalyzer().analyze('c', text, { file: path.join(dir, 'p.c') });
    const r0 = new CLayoutEngine(before.cModel!).structLayout(before.cModel!.records[0]);
    assert.ok(!r0.ok);
    assert.match(r0.reason, /struct inner is not defined in this file/);
    execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-I', path.join(dir, 'inc'), '-c', path.join(dir, 'p.c'), '-o', path.join(dir, 'p.o')]);
    const after = await new SourceAnalyzer().analyze('c', text, { file: path.join(dir, 'p.c') });
    const r1 = new CLayoutEngine(after.cModel!).structLayout(after.cModel!.records[0]);
    assert.ok(r1.ok, r1.ok ? '' : r1.reason);
    assert.deepEqual([r1.value.size, r1.value.fields.map((x) => x.offset), r1.value.holes.map((h) => [h.offset, h.size])], [24, [0, 16], [[9, 7], [17, 7]]]);
  });

  it('Go: the package\'s other files and the module\'s own imported packages', async () => {
    const dir = tmp({
      'go.mod': 'module example.com/m\n\ngo 1.19\n',
      'consts.go': 'package main\n\nconst Slots = 4\n\ntype Pair struct {\n\tA uint32\n\tB uint32\n}\n',
      'main_test.go': 'package main\n\ntype Pair struct{ X uint8 }\n',
      'wire/wire.go': 'package wire\n\nconst N = 2\n\ntype Header struct {\n\tKind uint8\n\tLen  uint32\n\tTags [N]uint16\n}\n',
      'main.go': '',
    });
    const src = 'package main\n\nimport "example.com/m/wire"\n\ntype Value struct {\n\tH     wire.Header\n\tP     Pair\n\tSlots [Slots]uint64\n}\n';
    const a = await new SourceAnalyzer().analyze('go', src, { file: path.join(dir, 'main.go') });
    const out = new GoLayoutEngine(a.goModel!).structLayout(a.goModel!.structs[0]);
    assert.ok(out.ok, out.ok ? '' : out.reason);
    assert.deepEqual(out.value.fields.map((f) => [f.name, f.offset, f.size]), [['H', 0, 12], ['P', 12, 8], ['Slots', 24, 32]]);
    assert.deepEqual([out.value.size, out.value.binarySize], [56, 49]);
    const alone = await new SourceAnalyzer().analyze('go', src);
    const none = new GoLayoutEngine(alone.goModel!).structLayout(alone.goModel!.structs[0]);
    assert.ok(!none.ok);
    assert.match(none.reason, /wire\.Header is from a package outside this module/);
  });

  it('Go: a type declared in one file of the package and handed to the kernel in another is checked in both', async () => {
    const dir = tmp({
      'go.mod': 'module example.com/p\n\ngo 1.22\n',
      'types.go': 'package main\n\ntype Value struct {\n\tPid uint32\n\tTs  uint64\n}\n',
      'main.go': 'package main\n\nimport "github.com/cilium/ebpf"\n\nfunc dump(m *ebpf.Map) {\n\tvar k uint32\n\tvar v Value\n\titer := m.Iterate()\n\tfor iter.Next(&k, &v) {\n\t}\n}\n',
    });
    const analyzer = new SourceAnalyzer();
    const lint = async (name: string) => (await analyzer.analyze('go', readFileSync(path.join(dir, name), 'utf8'), { file: path.join(dir, name) })).findings;
    const [decl] = await lint('types.go');
    assert.equal(decl.rule, 'go-implicit-padding');
    assert.match(decl.message, /^Value \(passed to iter\.Next in main\.go\) is 16 bytes in memory/);
    const [use] = await lint('main.go');
    assert.deepEqual([use.rule, use.range.start.line, use.related, use.fixes], ['go-reflect-decode', 8, undefined, undefined]);
    assert.deepEqual((await analyzer.analyze('go', readFileSync(path.join(dir, 'types.go'), 'utf8'))).findings, []); // alone: nothing uses it
  });
});

