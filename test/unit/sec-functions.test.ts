/**
 * The verdict lens's cheap scan for SEC("...") functions (core/source/sec-functions.ts) against the tree-sitter
 * parse the lint rules use (core/rules/unsafe/c-programs.ts) on every C file of the repository: same programs, same
 * names, the SEC line; and the cases a regex gets wrong if it is careless (declarations, comments, macros).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileIndex } from '../../core/rules/unsafe/c-programs';
import { extractCModel } from '../../core/source/c-model-builder';
import { maskBpfMacros } from '../../core/source/c-macro-mask';
import { secFunctions } from '../../core/source/sec-functions';
import { createParser, parseSource } from '../../core/source/tree-sitter';
import { EXAMPLES, REPO } from '../support/paths';

function cFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? cFiles(p) : p.endsWith('.c') ? [p] : [];
  });
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length - 1;

describe('SEC function scan', () => {
  const files = [...cFiles(EXAMPLES), ...cFiles(path.join(REPO, 'test'))];

  it(`finds the programs the tree-sitter parse finds, on ${files.length} C files of the repository`, async () => {
    const parser = await createParser('c');
    let programs = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const tree = parseSource(parser, 'c', maskBpfMacros(text));
      assert.ok(tree, file);
      try {
        const index = fileIndex({ root: tree.rootNode, source: text, model: extractCModel(tree, text) });
        // the parse has no preprocessor either: a program made by a macro (LOOP_PROG(loop_a, 3000)) is in neither
        const inMacro = (line: number) => /\\\s*$/.test(text.split('\n')[line]);
        const parsed = index.programs.filter((p) => !inMacro(lineOf(text, p.node.startIndex)))
          .map((p) => ({ name: `${p.name} ${p.section}`, from: lineOf(text, p.node.startIndex), to: lineOf(text, p.node.childForFieldName('body')!.startIndex) }));
        const scanned = secFunctions(text).filter((f) => !inMacro(f.nameLine));
        assert.deepEqual(scanned.map((f) => `${f.name} ${f.section}`).sort(), parsed.map((p) => p.name).sort(), file);
        for (const f of scanned) {
          const p = parsed.find((q) => q.name === `${f.name} ${f.section}`)!;
          assert.ok(f.nameLine >= p.from && f.nameLine <= p.to && f.line <= f.nameLine, `${file}: ${f.name} named at line ${f.nameLine + 1}, its head is lines ${p.from + 1}-${p.to + 1}`);
        }
        programs += parsed.length;
      } finally {
        tree.delete();
      }
    }
    assert.ok(programs > 100, `the corpus has programs to compare (${programs})`);
  });

  it('skips declarations, comments and strings; reads BPF_PROG-style names; gives the SEC line', () => {
    const text = [
      'struct { __uint(type, BPF_MAP_TYPE_ARRAY); } counts SEC(".maps");', // 0
      'char LICENSE[] SEC("license") = "GPL";',
      '// SEC("xdp") int commented(struct xdp_md *ctx) { return 0; }',
      '/* SEC("xdp")',
      'int in_block(struct xdp_md *ctx) { return 0; } */',
      'SEC("xdp")', // 5
      'int plain(struct xdp_md *ctx)',
      '{ return 2; }',
      'SEC("fentry/do_unlinkat")',
      'int BPF_PROG(on_unlink, int dfd, struct filename *name)',
      '{ return 0; }', // 10
      'SEC("tp/sched/sched_process_exec") __attribute__((unused)) int attr(void *ctx) { return 0; }',
      'SEC("kprobe/x") int proto(void *ctx);',
    ].join('\n');
    assert.deepEqual(secFunctions(text).map((f) => [f.name, f.section, f.line, f.nameLine]), [
      ['plain', 'xdp', 5, 6],
      ['on_unlink', 'fentry/do_unlinkat', 8, 9],
      ['attr', 'tp/sched/sched_process_exec', 11, 11],
    ]);
  });

  // how fast (it runs on every lens request) is a benchmark: `npm run bench -- edit` (a 200 ms assertion here took
  // 120-135 ms on a loaded 2-core machine, 20-35 ms idle)
  it('finds every program of a large file', () => {
    const one = 'SEC("xdp")\nint p_N(struct xdp_md *ctx)\n{\n\t/* body */\n\treturn XDP_PASS;\n}\n';
    const text = Array.from({ length: 5000 }, (_, i) => one.replace('N', String(i))).join('\n');
    const found = secFunctions(text);
    assert.equal(found.length, 5000);
    assert.equal(found[4999].name, 'p_4999');
  });
});
