import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLayoutEngine } from '../../core/layout/c-layout';
import { formatLayout } from '../../core/layout/format';
import type { StructLayout } from '../../core/layout/types';
import { cModel } from '../support/c-model';

async function layoutOf(src: string, name: string): Promise<StructLayout> {
  const model = await cModel(src);
  const engine = new CLayoutEngine(model);
  const rec = model.records.find((r) => r.name === name || r.typedefName === name);
  assert.ok(rec, `record ${name} found`);
  const out = engine.structLayout(rec);
  assert.ok(out.ok, out.ok ? '' : out.reason);
  return out.value;
}

const brief = (l: StructLayout) => ({ size: l.size, align: l.align, offsets: l.fields.map((f) => [f.name, f.offset, f.size]), holes: l.holes.map((h) => [h.offset, h.size]) });

describe('C layout for the BPF target', () => {
  const table: { name: string; src: string; struct: string; want: ReturnType<typeof brief> }[] = [
    {
      name: 'natural alignment leaves holes, trailing padding rounds to the largest member',
      src: 'struct k { __u8 a; __u32 b; __u16 c; __u64 d; __u8 e; };', struct: 'k',
      want: { size: 32, align: 8, offsets: [['a', 0, 1], ['b', 4, 4], ['c', 8, 2], ['d', 16, 8], ['e', 24, 1]], holes: [[1, 3], [10, 6], [25, 7]] },
    },
    {
      name: 'packed removes all padding',
      src: 'struct __attribute__((packed)) k { __u8 a; __u32 b; __u64 d; };', struct: 'k',
      want: { size: 13, align: 1, offsets: [['a', 0, 1], ['b', 1, 4], ['d', 5, 8]], holes: [] },
    },
    {
      name: 'nested struct padding counts as a hole of the outer struct',
      src: 'struct in { __u8 x; __u32 y; }; struct out { struct in i; __u64 z; };', struct: 'out',
      want: { size: 16, align: 8, offsets: [['i', 0, 8], ['z', 8, 8]], holes: [[1, 3]] },
    },
    {
      name: 'arrays of padded structs repeat the hole per element; typedefs and #define sizes resolve',
      src: '#define N 2\ntypedef struct { __u32 a; __u8 b; } pair_t; struct k { pair_t p[N]; };', struct: 'k',
      want: { size: 16, align: 4, offsets: [['p', 0, 16]], holes: [[5, 3], [13, 3]] },
    },
    {
      name: 'bitfields share a storage unit; aligned(16) raises the struct alignment',
      src: 'struct k { __u32 a : 3, b : 5; __u8 c; } __attribute__((aligned(16)));', struct: 'k',
      want: { size: 16, align: 16, offsets: [['a', 0, 4], ['b', 0, 4], ['c', 1, 1]], holes: [[2, 14]] },
    },
    {
      name: 'unions take their largest member; pointers and enums have their LP64 sizes',
      src: 'enum e { A }; struct k { union { __u8 s; __u64 l; } u; void *p; enum e v; };', struct: 'k',
      want: { size: 24, align: 8, offsets: [['u', 0, 8], ['p', 8, 8], ['v', 16, 4]], holes: [[20, 4]] },
    },
    {
      name: 'enum sizes follow their values, packed attribute and fixed underlying type',
      src: `enum small : __u8 { S };\nenum big { B = 1ULL << 32 };\nenum pk { P = 300 } __attribute__((packed));\nenum __attribute__((packed)) neg { N = -1 };
struct k { enum small a; enum pk b; enum big c; enum neg d; enum { IA = 2 } e; };`, struct: 'k',
      want: { size: 24, align: 8, offsets: [['a', 0, 1], ['b', 2, 2], ['c', 8, 8], ['d', 16, 1], ['e', 20, 4]], holes: [[1, 1], [4, 4], [17, 3]] },
    },
    {
      name: 'enumerators and expressions size arrays; a flexible array member adds no bytes',
      src: 'enum { LEN = 3 + 2 };\nstruct k { __u32 n; __u8 name[LEN]; __u8 pair[LEN * 2 - 8]; __u64 data[]; };', struct: 'k',
      want: { size: 16, align: 8, offsets: [['n', 0, 4], ['name', 4, 5], ['pair', 9, 2], ['data', 16, 0]], holes: [[11, 5]] },
    },
    {
      name: 'bitfield widths are constant expressions too',
      src: '#define W 3\nstruct b { __u8 x : W + 1; __u8 : 0; __u8 y : 1 << 1; };', struct: 'b',
      want: { size: 2, align: 1, offsets: [['x', 0, 1], ['y', 1, 1]], holes: [] },
    },
    {
      name: '__int128 aligns to 16 on BPF',
      src: 'struct k { char c; __int128 x; };', struct: 'k',
      want: { size: 32, align: 16, offsets: [['c', 0, 1], ['x', 16, 16]], holes: [[1, 15]] },
    },
  ];
  for (const t of table) {
    it(t.name, async () => assert.deepEqual(brief(await layoutOf(t.src, t.struct)), t.want));
  }

  it('reports a type it cannot resolve instead of guessing', async () => {
    const model = await cModel('struct k { struct task_struct t; __u32 x; };');
    const out = new CLayoutEngine(model).structLayout(model.records[0]);
    assert.equal(out.ok, false);
    assert.match(out.ok ? '' : out.reason, /struct task_struct is not defined in this file/);
  });

  it('reports an enum it cannot see, and a packed enum whose values it cannot evaluate', async () => {
    const model = await cModel('enum p { A = SOME_MACRO(1) } __attribute__((packed));\nstruct k { enum state s; }; struct j { enum p x; };');
    const engine = new CLayoutEngine(model);
    const [k, j] = model.records.map((r) => engine.structLayout(r));
    assert.match(k.ok ? '' : k.reason, /enum state is not defined in this file/);
    assert.match(j.ok ? '' : j.reason, /enum p is packed, so its size depends on its values, and A = SOME_MACRO\(1\) is not a constant/);
  });

  it('prints members the way C declares them, pahole-style', async () => {
    const text = formatLayout(await layoutOf('struct k { unsigned int a:3, b:7; char *p; struct k *q[2]; char n[2][3]; __u8 d[]; };', 'k'));
    assert.deepEqual(text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()), [
      'struct k { /* size 40, align 8 */',
      'unsigned int a:3; /* 0:0 4 */',
      'unsigned int b:7; /* 0:3 4 */',
      '/* XXX 6 byte hole at 2 */',
      'char *p; /* 8 8 */',
      'struct k *q[2]; /* 16 16 */',
      'char n[2][3]; /* 32 6 */',
      '__u8 d[]; /* 38 0 */',
      '/* XXX 2 bytes of trailing padding at 38 */',
      '};',
    ]);
  });

  it('says which member a nested struct\'s padding lies in (not a hole of the outer struct)', async () => {
    const src = 'struct key { __u8 proto; __u32 saddr; };\nstruct stats { struct key k; __u64 packets; __u8 flag; };';
    const text = formatLayout(await layoutOf(src, 'stats'));
    assert.deepEqual(text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()), [
      'struct stats { /* size 24, align 8 */',
      'struct key k; /* 0 8 */',
      '/* XXX 3 bytes of padding inside k at 1 */',
      '__u64 packets; /* 8 8 */',
      '__u8 flag; /* 16 1 */',
      '/* XXX 7 bytes of trailing padding at 17 */',
      '};',
    ]);
  });

  it('survives half-typed code', async () => {
    const model = await cModel('struct k { __u8 a; __u32 ');
    assert.doesNotThrow(() => { for (const r of model.records) new CLayoutEngine(model).structLayout(r); });
  });
});
