import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';
import { defineArgs } from '../../core/analyze/compile-commands';

const hashMap = (key: string) => `struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, ${key});\n\t__type(value, __u64);\n} m SEC(".maps");\n`;

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-c-types-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const rules = async (a: SourceAnalyzer, text: string, file: string) => (await a.analyze('c', text, { file })).findings.map((f) => `${f.rule} ${f.severity}`);

describe('C types and macros from the build', () => {
  it('angle-bracket includes are parsed when -I or the build names their directory; the system directories are left to BTF', async () => {
    const dir = tmp({ 'include/tool.h': 'struct key { __u8 proto; __u32 addr; };\n', 'prog.bpf.c': '' });
    const src = `#include <tool.h>\n${hashMap('struct key')}`;
    const file = path.join(dir, 'prog.bpf.c');
    assert.deepEqual(await rules(new SourceAnalyzer(), src, file), ['layout-unknown info']); // <tool.h> is not beside-the-file
    const withI = new SourceAnalyzer();
    withI.setIncludeSearch({ includeDirs: [path.join(dir, 'include')] });
    assert.deepEqual(await rules(withI, src, file), ['c-map-key-padding warning']);
    // -I /usr/include does not make <linux/bpf.h> a parsed header: its types come from BTF
    const system = new SourceAnalyzer();
    system.setIncludeSearch({ includeDirs: ['/usr/include'] });
    const a = await system.analyze('c', '#include <linux/bpf.h>\n', { file });
    assert.deepEqual(a.cModel!.headers, []);
  });

  it('-D from the command line and compile_commands.json\'s -D/-U decide the #ifs of the file and its headers', async () => {
    const dir = tmp({
      'src/common.h': 'struct key {\n\t__u32 addr;\n#ifdef WITH_PROTO\n\t__u8 proto;\n#endif\n};\n',
      'src/prog.bpf.c': '', 'src/other.bpf.c': '',
    });
    writeFileSync(path.join(dir, 'compile_commands.json'), JSON.stringify([
      { directory: path.join(dir, 'src'), file: 'prog.bpf.c', arguments: ['clang', '-DWITH_PROTO', '-c', 'prog.bpf.c'] },
      { directory: path.join(dir, 'src'), file: 'other.bpf.c', command: 'clang -D WITH_PROTO=1 -UWITH_PROTO -c other.bpf.c' },
    ]));
    const src = `#include "common.h"\n${hashMap('struct key')}`;
    const analyzer = new SourceAnalyzer();
    assert.deepEqual(await rules(analyzer, src, path.join(dir, 'src/prog.bpf.c')), ['c-map-key-padding warning']); // addr, proto: 3 bytes of padding
    assert.deepEqual(await rules(analyzer, src, path.join(dir, 'src/other.bpf.c')), []); // -U after -D: no proto, no padding
    const cli = new SourceAnalyzer();
    cli.setIncludeSearch({ defines: [['WITH_PROTO', '1']] });
    assert.deepEqual(await rules(cli, src, path.join(dir, 'src/other.bpf.c')), ['c-map-key-padding warning']); // the command line comes last
    assert.deepEqual(defineArgs(['-DA', '-D', 'B=2', '-DC=', '-UD', '-I', 'x', '-DE=a b']), [['A', '1'], ['B', '2'], ['C', ''], ['D', null], ['E', 'a b']]);
  });

  it('system headers: their macros from clang\'s preprocessor, their uapi types from the kernel\'s BTF', async () => {
    const src = '#include <linux/bpf.h>\n#include <linux/if_ether.h>\nstruct l3_key {\n\t__u32 ifindex;\n#ifdef ETH_P_IPV6\n\t__u8 addr[16];\n#else\n\t__u8 addr[4];\n#endif\n\t__u16 proto;\n};\n'
      + 'struct rate { struct bpf_spin_lock lock; __u64 tokens; };\n'
      + hashMap('struct l3_key') + hashMap('__u32').replace('__u64', 'struct rate').replace('} m ', '} rates ');
    const dir = tmp({ 'prog.bpf.c': src });
    const a = await new SourceAnalyzer().analyze('c', src, { file: path.join(dir, 'prog.bpf.c') });
    const byRule = a.findings.map((f) => `${f.rule} ${f.message.slice(0, 200)}`);
    assert.ok(byRule.some((f) => /^c-map-key-padding struct l3_key .* 2 padding bytes in 1 hole: 2 bytes at offset 22 \(trailing\)/.test(f)), byRule.join('\n'));
    assert.ok(byRule.some((f) => /^c-map-value-padding struct rate is the value of map 'rates' and has padding \(4 bytes at offset 4\)/.test(f)), byRule.join('\n'));
    assert.ok(!byRule.some((f) => f.startsWith('layout-unknown')), byRule.join('\n'));
  });

  it('a struct the source cannot lay out is taken from the compiled object\'s BTF', async () => {
    // clang answers __has_attribute; this tool does not, so only the object knows which member is there
    const src = 'typedef unsigned char __u8; typedef unsigned int __u32; typedef unsigned long long __u64;\n'
      + 'struct key {\n\t__u8 proto;\n#if __has_attribute(preserve_access_index)\n\t__u64 cookie;\n#else\n\t__u8 flags;\n#endif\n};\nstruct key v;\n';
    const dir = tmp({ 'prog.bpf.c': src });
    const file = path.join(dir, 'prog.bpf.c');
    const lint = src + hashMap('struct key'); // the editor's text: the map is being added
    assert.deepEqual(await rules(new SourceAnalyzer(), lint, file), ['layout-unknown info']);
    execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-c', file, '-o', path.join(dir, 'prog.bpf.o')]);
    const a = await new SourceAnalyzer().analyze('c', lint, { file });
    assert.deepEqual(a.findings.map((f) => `${f.rule} ${f.severity}`), ['c-map-key-padding warning']);
    assert.match(a.findings[0].message, /7 bytes at offset 1 \(size 16\)/); // the __u64 branch, as clang compiled it
  });
});
