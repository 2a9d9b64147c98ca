import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incrementalEdit } from '../../core/analyze/incremental-edit';
import type { CFileModel } from '../../core/source/c-model';
import { CModelCache, extractCModel } from '../../core/source/c-model-builder';
import { extractGoModel, GoModelCache } from '../../core/source/go-model-builder';
import type { GoFileModel } from '../../core/source/go-model';
import { resolveUses } from '../../core/source/go-usage';
import { createParser, parsedText } from '../../core/source/tree-sitter';
import { rng } from '../fuzz/log-mutator';

/** A model as comparable JSON: Maps as entry lists, bigints as strings. */
const plain = (m: CFileModel) => JSON.stringify({ ...m, headers: undefined, btf: undefined },
  (_k, v) => (v instanceof Map ? [...v.entries()] : typeof v === 'bigint' ? `${v}n` : v));

const BASE = [
  '#include <bpf/bpf_helpers.h>',
  '#define LEN 4',
  'enum color { RED, GREEN = LEN * 2 };',
  'typedef __u32 ifindex_t;',
  'struct k { __u8 a; __u32 b[LEN]; enum color c; };',
  'struct ev { __u64 ts; ifindex_t ifindex; };',
  'struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct k);\n\t__type(value, __u64);\n} m SEC(".maps");',
  'struct {\n\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n} rb SEC(".maps");',
  'struct ev *global_ev;',
  'SEC("xdp")\nint prog(void *ctx)\n{\n\tstruct ev *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);\n\tif (e)\n\t\tbpf_ringbuf_output(&rb, global_ev, sizeof(*global_ev), 0);\n\treturn 2;\n}',
].join('\n') + '\n';

/** Edits that move lines, change what later declarations read (a #define, a typedef, a global) or retype members. */
const EDITS: ((text: string, pick: <T>(xs: T[]) => T) => string)[] = [
  (t) => `// a comment\n${t}`,
  (t, pick) => t.replace(/#define LEN \d+/, `#define LEN ${pick([1, 2, 3, 4, 5, 6, 7, 8])}`),
  (t) => t.replace('#define LEN', '#define LEN_OLD'),
  (t) => t.replace('#define LEN_OLD', '#define LEN'),
  (t) => t.replace('typedef __u32 ifindex_t;', 'typedef __u64 ifindex_t;'),
  (t) => t.replace('typedef __u64 ifindex_t;', 'typedef __u32 ifindex_t;'),
  (t) => t.replace('struct ev *global_ev;', 'struct k *global_ev;'),
  (t) => t.replace('struct k *global_ev;', 'struct ev *global_ev;'),
  (t, pick) => t.replace(/__u8 a;|__u16 a;|__u64 a;/, pick(['__u8 a;', '__u16 a;', '__u64 a;'])),
  (t) => t.replace('\n\n', '\n'),
  (t) => t.replace('struct ev {', '\nstruct ev {'),
  (t) => t.replace('BPF_MAP_TYPE_HASH', 'BPF_MAP_TYPE_LRU_HASH'),
  (t) => t.replace('BPF_MAP_TYPE_LRU_HASH', 'BPF_MAP_TYPE_HASH'),
  (t) => t.replace('RED, GREEN', 'RED = -1, GREEN'),
];

describe('C model extraction reuses the declarations an edit left alone', () => {
  it('400 random edits: the cached extraction equals a fresh one, ranges included', async () => {
    const parser = await createParser('c');
    const rnd = rng(11);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const cache = new CModelCache();
    let text = BASE;
    let parsed = parsedText('c', text);
    let tree = parser.parse(parsed)!;
    extractCModel(tree, text, cache);
    let reused = 0;
    for (let i = 0; i < 400; i++) {
      const next = pick(EDITS)(text, pick);
      const nextParsed = parsedText('c', next);
      tree.edit(incrementalEdit(parsed, nextParsed));
      const edited = parser.parse(nextParsed, tree)!;
      tree.delete();
      tree = edited;
      const cached = extractCModel(tree, next, cache);
      const fresh = extractCModel(tree, next);
      assert.equal(plain(cached), plain(fresh), `edit ${i}`);
      reused += cache.fragments.size - cache.lastExtracted;
      text = next;
      parsed = nextParsed;
    }
    tree.delete();
    assert.ok(reused > 400 * 5, `most declarations are reused (${reused})`);
  });

  it('re-extracts only the changed declaration, and what reads a changed #define', async () => {
    const parser = await createParser('c');
    const cache = new CModelCache();
    const run = (t: string) => {
      const tree = parser.parse(parsedText('c', t))!;
      const m = extractCModel(tree, t, cache);
      tree.delete();
      return m;
    };
    run(BASE);
    run(BASE.replace('__u8 a;', '__u16 a;'));
    assert.equal(cache.lastExtracted, 1);
    const m = run(BASE.replace('#define LEN 4', '#define LEN 6'));
    // the #define itself, the enum and the struct that read LEN (and struct k, whose text changed back)
    assert.equal(cache.lastExtracted, 3);
    assert.equal(m.enums.get('color')?.max, 12n);
  });
});

const GO_BASE = [
  'package main', '', 'import (\n\t"encoding/binary"\n\n\t"github.com/cilium/ebpf"\n)', '',
  'const N = 4', '',
  '//ebpf:struct key', 'type Key struct {\n\tProto uint8\n\tAddr  [N]uint32\n}', '',
  'type Value struct {\n\tPid uint32\n\tTs  uint64\n}', '',
  'func read(m *ebpf.Map, keys []Key) {\n\tvar v Value\n\tfor i := range keys {\n\t\t_ = m.Lookup(&keys[i], &v)\n\t}\n\t_ = binary.Read(nil, binary.LittleEndian, &v)\n}', '',
  // package-level variables and methods: facts another declaration's calls are typed through
  'var objs handles', '',
  'type handles struct{ Counts *ebpf.Map }', '',
  'func (t *tracer) get() *ebpf.Map { return nil }', '',
  'type tracer struct{}', '',
  'func write(t *tracer) {\n\tfor _, k := range []Key{{}} {\n\t\t_ = objs.Counts.Put(k, Value{})\n\t}\n\t_ = t.get().Put(Key{}, Value{})\n}', '',
].join('\n');

const GO_EDITS: ((text: string, pick: <T>(xs: T[]) => T) => string)[] = [
  (t) => t.replace('package main\n', 'package main\n\n// moved\n'),
  (t) => t.replace('\n\n// moved\n', '\n'),
  (t, pick) => t.replace(/const N = \d+/, `const N = ${pick([1, 2, 3, 4, 8])}`),
  (t) => t.replace('const N', 'const M'),
  (t) => t.replace('const M', 'const N'),
  (t, pick) => t.replace(/Pid uint(32|64)|Pid int/, pick(['Pid uint32', 'Pid uint64', 'Pid int'])),
  (t) => t.replace('//ebpf:struct key\n', ''),
  (t) => t.replace('type Key struct', '//ebpf:struct key\ntype Key struct').replace('//ebpf:struct key\n//ebpf:struct key', '//ebpf:struct key'),
  (t) => t.replace('var v Value', 'var v Key'),
  (t) => t.replace('var v Key', 'var v Value'),
  (t) => t.replace('\n\t"encoding/binary"\n', '\n'),
  // scopes: the same name rebound in a block, a global retyped, a method's result changed
  (t) => t.replace('\t_ = objs.Counts.Put(k, Value{})', '\t{\n\t\tobjs := sync.Map{}\n\t\tobjs.Delete(k)\n\t}'),
  (t) => t.replace('\t{\n\t\tobjs := sync.Map{}\n\t\tobjs.Delete(k)\n\t}', '\t_ = objs.Counts.Put(k, Value{})'),
  (t) => t.replace('type handles struct{ Counts *ebpf.Map }', 'type handles struct{ Counts *cache }'),
  (t) => t.replace('type handles struct{ Counts *cache }', 'type handles struct{ Counts *ebpf.Map }'),
  (t) => t.replace('var objs handles', 'var objs *handles'),
  (t) => t.replace('var objs *handles', 'var objs handles'),
  (t, pick) => t.replace(/get\(\) \*?\w+(\.Map)?/, `get() ${pick(['*ebpf.Map', 'cache', '*sync.Map'])}`),
  (t) => t.replace('import (\n', 'import (\n\t"encoding/binary"\n'),
];

describe('Go model extraction reuses the declarations an edit left alone', () => {
  it('300 random edits: the cached model, struct uses and codec sites equal a fresh extraction', async () => {
    const parser = await createParser('go');
    const rnd = rng(13);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const cache = new GoModelCache();
    const json = (model: GoFileModel) => {
      const { uses, sites } = resolveUses(model);
      return JSON.stringify({ sites, uses: [...uses], model: { ...model, defined: [...model.defined], constants: [...model.constants] } });
    };
    let text = GO_BASE;
    let tree = parser.parse(text)!;
    extractGoModel(tree, cache);
    let reused = 0;
    for (let i = 0; i < 300; i++) {
      const next = pick(GO_EDITS)(text, pick);
      tree.edit(incrementalEdit(text, next));
      const edited = parser.parse(next, tree)!;
      tree.delete();
      tree = edited;
      assert.equal(json(extractGoModel(tree, cache)), json(extractGoModel(tree)), `edit ${i}`);
      reused += cache.fragments.size - cache.lastExtracted;
      text = next;
    }
    tree.delete();
    assert.ok(reused > 300 * 3, `most declarations are reused (${reused})`);
  });
});
