import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';
import { incrementalEdit } from '../../core/analyze/incremental-edit';
import { maskBpfMacros } from '../../core/source/c-macro-mask';
import { createParser, parseSource } from '../../core/source/tree-sitter';
import { EXAMPLES } from '../support/paths';

/** A deterministic generator, so a failure replays. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Well-formed C (tree-sitter's error recovery depends on history, so only error-free trees must match exactly). */
const BASE = ['/* naïve ✓ — 漢字 */', 'struct a { __u8 x; /* ü */ __u32 y; };', 'typedef struct { __u64 z; __u16 w[4]; } b_t;',
  'static int f(int v) { /* 😀 */ return v + 1; }', 'struct c { struct a inner; __u32 n; };'].join('\n') + '\n';
const INSERTS = ['struct k { __u32 a; __u8 b; };\n', '/* é ü 漢字 😀 */\n', '// ça\n', 'int g(void) { return 0; }\n'];
const TYPES = ['__u8', '__u16', '__u32', '__u64'];

describe('incremental reparsing after an edit', () => {
  it('300 random edits after non-ASCII text: the reparsed tree equals a fresh parse', async () => {
    const parser = await createParser('c');
    const rnd = lcg(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    let text = BASE;
    let tree = parser.parse(text)!;
    for (let i = 0; i < 300; i++) {
      let next: string;
      const types = [...text.matchAll(/__u(8|16|32|64)\b/g)];
      if (rnd() < 0.5 && types.length > 0) { // retype a member: an edit inside a line, after multi-byte characters
        const m = pick(types);
        next = text.slice(0, m.index) + pick(TYPES) + text.slice(m.index + m[0].length);
      } else { // insert at a line start, or delete a line
        const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1).filter((x) => x < text.length)];
        const at = pick(starts);
        const lineEnd = text.indexOf('\n', at) + 1;
        next = rnd() < 0.7 || text.length < 200 ? text.slice(0, at) + pick(INSERTS) + text.slice(at) : text.slice(0, at) + text.slice(lineEnd);
      }
      tree.edit(incrementalEdit(text, next));
      const incremental = parser.parse(next, tree)!;
      const fresh = parser.parse(next)!;
      assert.equal(fresh.rootNode.hasError, false, `edit ${i} made the text malformed`);
      assert.equal(incremental.rootNode.toString(), fresh.rootNode.toString(), `edit ${i}`);
      assert.deepEqual(incremental.rootNode.descendantsOfType('field_identifier').map((n) => [n!.text, n!.startPosition]),
        fresh.rootNode.descendantsOfType('field_identifier').map((n) => [n!.text, n!.startPosition]), `edit ${i}: positions`);
      tree.delete();
      fresh.delete();
      tree = incremental;
      text = next;
    }
    tree.delete();
  });

  it('the analyzer keeps a document\'s tree: findings after edits equal those of a fresh analysis', async () => {
    const keyed = new SourceAnalyzer();
    const fresh = new SourceAnalyzer();
    const base = readFileSync(path.join(EXAMPLES, 'padded_key.bpf.c'), 'utf8');
    const versions = [base, base.replace('__u8 protocol;', '__u32 protocol;'), base.replace('struct flow_key {', '/* ✓ */ struct flow_key {'), base];
    for (const v of versions) {
      const a = await keyed.analyze('c', v, { document: 'file:///doc.c' });
      const b = await fresh.analyze('c', v);
      assert.deepEqual(a.findings.map((f) => [f.rule, f.range, f.message]), b.findings.map((f) => [f.rule, f.range, f.message]));
    }
    keyed.forget('file:///doc.c');
  });
});

describe('libbpf macros masked before parsing', () => {
  const MAPS = 'struct k { __u8 a; __u32 b; };\nstruct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct k);\n'
    + '\t__array(values, struct { __uint(type, BPF_MAP_TYPE_ARRAY); });\n} m SEC(".maps");\n\nSEC("xdp")\nint prog(struct xdp_md *ctx) { return 2; }\n';

  it('keeps every offset, line and column, and leaves tree-sitter nothing to recover from', async () => {
    const masked = maskBpfMacros(MAPS);
    assert.equal(masked.length, MAPS.length);
    assert.deepEqual([...masked.matchAll(/\n/g)].map((m) => m.index), [...MAPS.matchAll(/\n/g)].map((m) => m.index));
    assert.doesNotMatch(masked, /SEC|__uint|__type|__array/);
    const tree = parseSource(await createParser('c'), 'c', MAPS)!;
    assert.equal(tree.rootNode.hasError, false, tree.rootNode.toString());
    assert.deepEqual(tree.rootNode.namedChildren.map((n) => n!.type), ['struct_specifier', 'declaration', 'function_definition']);
    tree.delete();
  });

  it('leaves half-typed macros, macro definitions and other text alone', () => {
    for (const text of ['struct {\n\t__uint(type, BPF_MAP_TYPE_HASH;\n\t__uint(max_entries', '#define SEC(name) __attribute__((section(name), used))\n',
      '#define __uint(name, val) int (*name)[val]\n', 'int x = f(__type);\n']) {
      assert.equal(maskBpfMacros(text), text);
    }
  });

  it('typing a map definition character by character: the kept tree gives the findings of a fresh analysis', async () => {
    const keyed = new SourceAnalyzer();
    const fresh = new SourceAnalyzer();
    const full = MAPS.replace('\t__type(key, struct k);\n', '\t__type(key, struct k);\n\t__type(value, struct k);\n');
    const at = full.indexOf('\t__type(value');
    const typed = full.slice(at, full.indexOf('\n', at) + 1);
    let findings = 0;
    for (let n = 0; n <= typed.length; n++) {
      const v = full.slice(0, at) + typed.slice(0, n) + full.slice(at + typed.length);
      const a = await keyed.analyze('c', v, { document: 'file:///typing.c' });
      const b = await fresh.analyze('c', v);
      assert.deepEqual(a.findings.map((f) => [f.rule, f.range, f.message]), b.findings.map((f) => [f.rule, f.range, f.message]), `after ${n} characters`);
      findings += a.findings.length;
    }
    assert.ok(findings > 0, 'the padded key is found along the way');
    keyed.forget('file:///typing.c');
  });
});
