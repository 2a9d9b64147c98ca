import { rng } from '../../fuzz/log-mutator';
import { makeMistake } from './pair-mistakes';
import { goTypeText } from './pair-values';
import {
  blank, C_SCALARS, camel, cFieldOffsets, cHoles, CLASSES, cLayoutOf, goIntFor, hasHoles, scalar,
  type Binding, type CField, type CRecord, type CScalar, type GoDefined, type GoField, type GoRecord, type GoType, type Pair, type PairClass,
} from './pair-model';

const WORDS1 = ['flow', 'conn', 'event', 'sock', 'proc', 'pkt', 'task', 'net', 'file', 'exec'];
const WORDS2 = ['key', 'info', 'stats', 'value', 'rec', 'data', 'entry', 'meta'];
const SCALAR_NAMES = ['pid', 'tgid', 'ts', 'cpu', 'saddr', 'daddr', 'sport', 'dport', 'proto', 'flags', 'len', 'cookie', 'ifindex',
  'mark', 'cgroup_id', 'uid', 'gid', 'state', 'prio', 'seq', 'ack', 'window', 'family', 'count', 'bytes', 'packets', 'err',
  'ret', 'latency_ns', 'kind', 'hash', 'netns', 'tid', 'sig'];
const ARRAY_NAMES = ['addr6', 'mac', 'ports', 'args', 'stack', 'labels', 'buf'];
const PAD_NAMES = ['__pad', '_pad', '__reserved', 'unused', 'pad'];

/** A generator of one pair, with the randomness and the names it has used. */
export class Builder {
  private readonly used = new Set<string>();
  private nested = 0;
  private macros = 0;
  readonly cRecords: CRecord[] = [];
  readonly goRecords: GoRecord[] = [];
  readonly cEnums: string[] = [];
  readonly goDefined: GoDefined[] = [];
  /** Defined Go types for some scalars (`type Ifindex uint32`), in the classes whose Go side is otherwise faithful. */
  definedTypes = false;

  constructor(readonly id: number, readonly r: () => number, readonly binding: Binding) {}

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }

  private fresh(pool: string[]): string {
    for (let i = 0; ; i++) {
      const n = i < 8 ? this.pick(pool) : `${this.pick(pool)}${i}`;
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
  }

  /** Mostly the kernel's fixed-width typedefs; now and then a plain C spelling of the same width. */
  randomScalar(): CScalar {
    const roll = this.r();
    if (roll < 0.05) { // an enum member: 4 bytes for these values
      const name = `${this.pick(['conn_state', 'event_kind', 'verdict'])}${this.id}e${this.cEnums.length}`;
      this.cEnums.push(`enum ${name} {\n\t${name.toUpperCase()}_NONE,\n\t${name.toUpperCase()}_LAST = ${1 + Math.floor(this.r() * 1000)},\n};`);
      return { kind: 'scalar', name: `enum ${name}`, size: 4, signed: false };
    }
    return roll < 0.78 ? this.pick(C_SCALARS.slice(0, 8)) : this.pick(C_SCALARS.slice(8));
  }

  scalarField(type = this.randomScalar()): CField {
    return { name: this.fresh(SCALAR_NAMES), type };
  }

  arrayField(el = this.pick(['__u8', '__u8', '__u16', '__u32', '__u64', 'char']), len = this.pick([2, 3, 4, 6, 8, 16])): CField {
    const name = el === 'char' ? this.fresh(['comm', 'name', 'path']) : this.fresh(ARRAY_NAMES);
    // C code often sizes arrays with a macro; the id and a count keep the macros apart in one object
    const lenMacro = this.r() < 0.25 ? `${name.toUpperCase()}_LEN${this.id}_${this.macros++}` : undefined;
    return { name, type: { kind: 'array', of: scalar(el), len, ...(lenMacro ? { lenMacro } : {}) } };
  }

  /** A nested struct of two or three scalars; `holes`: in random order (it may then have padding of its own). */
  recordField(holes: boolean, allowArray = true): CField {
    const rec: CRecord = { name: `${this.pick(['addr', 'tuple', 'hdr', 'ctx'])}${this.id}k${this.nested++}`, fields: [] };
    const saved = [...this.used];
    this.used.clear();
    const n = 2 + Math.floor(this.r() * 2);
    for (let i = 0; i < n; i++) rec.fields.push(this.scalarField());
    if (!holes) arrangeWithoutHoles(rec, this);
    this.used.clear();
    saved.forEach((s) => this.used.add(s));
    this.cRecords.push(rec);
    const array = this.r() < 0.25 && allowArray;
    return { name: this.fresh(['src', 'dst', 'inner', 'hdr', 'peer']), type: array ? { kind: 'array', of: { kind: 'record', rec }, len: 2 } : { kind: 'record', rec } };
  }

  /** An address union, the way network tools write one: `union { __u32 v4; __u32 v6[4]; } saddr;`, named. */
  unionField(): CField {
    const [first, rest] = this.pick([[scalar('__u32'), { el: '__u32', len: 4 }], [scalar('__u32'), { el: '__u8', len: 16 }], [scalar('__u64'), { el: '__u8', len: 16 }]] as const);
    const rec: CRecord = { name: `ip_addr${this.id}u${this.nested++}`, union: true, fields: [
      { name: first.size === 4 ? 'v4' : 'raw', type: first }, { name: 'v6', type: { kind: 'array', of: scalar(rest.el), len: rest.len } }] };
    this.cRecords.push(rec);
    return { name: this.fresh(['saddr', 'daddr', 'addr', 'peer']), type: { kind: 'record', rec } };
  }

  randomFields(nestedHoles: boolean): CField[] {
    const out: CField[] = [];
    const n = 2 + Math.floor(this.r() * 5);
    for (let i = 0; i < n; i++) {
      const roll = this.r();
      out.push(roll < 0.62 ? this.scalarField() : roll < 0.88 ? this.arrayField() : this.recordField(nestedHoles));
    }
    return out;
  }

  goName(cName: string): string {
    if (this.binding === 'bpf2go') return `bpf${camel(cName)}`;
    if (this.binding === 'name' || this.binding === 'module') return camel(cName);
    return `${camel(cName.replace(/\d+$/, ''))}Mirror${this.id}`; // a name unlike C's: only the marker pairs it
  }

  /** The Go type bpf2go would write for a C record: the same fields in the same order, no padding. */
  mirror(rec: CRecord): GoRecord {
    const existing = this.goRecords.find((g) => g.mirrors === rec);
    if (existing) return existing;
    const goName = rec === this.cRecords[this.cRecords.length - 1] || this.binding !== 'marker' ? this.goName(rec.name) : camel(rec.name);
    // a union as bpf2go writes it: its first member, then blank bytes for the rest
    const fields = rec.union ? [{ name: camel(rec.fields[0].name), type: this.goType(rec.fields[0]), mirrors: rec.fields[0].name },
      blank(cLayoutOf({ kind: 'record', rec }).size - cLayoutOf(rec.fields[0].type).size)]
      : rec.fields.map((f): GoField => ({ name: camel(f.name), type: this.goType(f), mirrors: f.name }));
    // bpf2go writes a nested record inline unless it was asked for the type (-type) too
    const inline = this.binding === 'bpf2go' && rec !== this.cRecords[this.cRecords.length - 1] && this.r() < 0.6;
    const g: GoRecord = { name: goName, fields, mirrors: rec, ...(inline ? { inline } : {}) };
    this.goRecords.push(g);
    return g;
  }

  goType(f: CField): GoType {
    const t = f.type;
    if (t.kind === 'scalar' && this.definedTypes && this.r() < 0.15) {
      const d: GoDefined = { kind: 'defined', name: `${camel(f.name)}T${this.id}d${this.goDefined.length}`, of: { kind: 'scalar', name: goIntFor(t) } };
      this.goDefined.push(d);
      return d;
    }
    if (t.kind === 'scalar') return { kind: 'scalar', name: goIntFor(t) };
    if (t.kind === 'record') return { kind: 'record', rec: this.mirror(t.rec) };
    const of = t.of.kind === 'record' ? { kind: 'record' as const, rec: this.mirror(t.of.rec) } : { kind: 'scalar' as const, name: goIntFor(t.of) };
    if (of.kind === 'scalar' && this.definedTypes && this.r() < 0.1) { // `type Ipv6 [16]uint8`
      const d: GoDefined = { kind: 'defined', name: `${camel(f.name)}T${this.id}d${this.goDefined.length}`, of: { kind: 'array', of, len: t.len } };
      this.goDefined.push(d);
      return d;
    }
    return { kind: 'array', of, len: t.len };
  }
}

/** Fields ordered by alignment (largest first), then a byte array that rounds the size up: no hole at all. */
function arrangeWithoutHoles(rec: CRecord, b: Builder): void {
  rec.fields.sort((x, y) => cLayoutOf(y.type).align - cLayoutOf(x.type).align);
  const { size, align } = cFieldOffsets(rec);
  const end = rec.fields.reduce((n, f) => n + cLayoutOf(f.type).size, 0);
  if (size > end) rec.fields.push(size - end === 1 ? b.scalarField(scalar('__u8')) : b.arrayField('__u8', size - end));
  if (cHoles(rec).length > 0) throw new Error(`generator: ${rec.name} still has holes (align ${align})`);
}

/** Build a pair of the given class: a C struct and the Go type written for it, faithfully or with one realistic mistake. */
export function generatePair(id: number, klass: PairClass, seed: number): Pair {
  const r = rng(seed * 7919 + id);
  // every class meets every binding: the round and the class choose it together
  const turn = Math.floor(id / CLASSES.length) + CLASSES.indexOf(klass);
  // bpf2go never writes unexported, embedded or standard-library fields (and its output says nothing of direction):
  // those pairs are hand-written
  const handWritten = ['unexported-put', 'embedded', 'duration', 'time'].includes(klass);
  const binding: Binding = handWritten ? (['marker', 'name', 'module'] as const)[turn % 3] : (['marker', 'name', 'bpf2go', 'module'] as const)[turn % 4];
  const b = new Builder(id, r, binding);
  const c: CRecord = { name: `${b.pick(WORDS1)}_${b.pick(WORDS2)}${id}`, fields: [] };
  const holey = ['blank-padding', 'named-padding', 'omitted-padding', 'misplaced-padding'].includes(klass);
  b.definedTypes = !holey && klass !== 'packed-with-padding';
  const packed = klass === 'packed' || klass === 'packed-with-padding';
  for (let attempt = 0; ; attempt++) {
    b.cRecords.length = 0; // the nested records and enums of a discarded attempt go with it
    b.cEnums.length = 0;
    c.fields = b.randomFields((klass === 'omitted-padding' || klass === 'blank-padding') && b.r() < 0.3);
    // the mistake needs a field to make: add one when the random fields have none
    const need = (ok: (f: CField) => boolean, make: () => CField) => { if (!c.fields.some(ok)) c.fields.push(make()); };
    const isScalar = (size?: number) => (f: CField) => f.type.kind === 'scalar' && (size === undefined || f.type.size === size);
    if (klass === 'int') need((f) => isScalar(8)(f) || isScalar(4)(f), () => b.scalarField(scalar(b.pick(['__s64', '__u64', '__s32']))));
    if (klass === 'string') need((f) => f.type.kind === 'array' && f.type.of.kind === 'scalar' && f.type.of.name === 'char', () => b.arrayField('char', 16));
    if (klass === 'array-length') need((f) => f.type.kind === 'array' && f.type.of.kind === 'scalar', () => b.arrayField());
    if (klass === 'bool') need(isScalar(1), () => b.scalarField(scalar('__u8')));
    if (klass === 'width' || klass === 'signedness') need(isScalar(), () => b.scalarField());
    if (klass === 'union') c.fields.push(b.unionField());
    if (klass === 'duration' || klass === 'time') need(isScalar(8), () => b.scalarField(scalar(b.pick(['__u64', '__s64']))));
    if (klass === 'embedded') need((f) => f.type.kind === 'record', () => b.recordField(false, false));
    if (klass === 'byte-array') need((f) => f.type.kind === 'array' && f.type.of.kind === 'scalar' && f.type.of.size > 1, () => b.arrayField(b.pick(['__u32', '__u16', '__u64']), 4));
    if (klass === 'swapped') {
      const sizes = c.fields.filter(isScalar()).map((f) => cLayoutOf(f.type).size);
      if (!sizes.some((s, i) => sizes.indexOf(s) !== i)) {
        const t = b.pick(['__u32', '__u16', '__u64', '__u8']);
        c.fields.push(b.scalarField(scalar(t)), b.scalarField(scalar(t)));
      }
    }
    if (packed) {
      c.packed = b.pick(['suffix', 'suffix-dunder', 'prefix'] as const);
      // packing must change something, or this is the faithful class again
      if (cHoles({ ...c, packed: undefined }).length > 0 || attempt > 20) break;
    } else if (klass === 'misplaced-padding') {
      if (cHoles(c).some((h) => h.before < c.fields.length) || attempt > 20) break; // a hole before some field
    } else if (holey) {
      // an over-aligned struct (its size rounded up to 8 or 16): trailing padding the fields do not show
      if ((klass === 'blank-padding' || klass === 'omitted-padding') && b.r() < 0.2) c.aligned = b.pick([8, 16]);
      if (cHoles(c).length > 0 || (klass === 'omitted-padding' && hasHoles(c)) || attempt > 20) break;
    } else {
      arrangeWithoutHoles(c, b);
      break;
    }
  }
  let note = '';
  if (klass === 'named-padding' || (klass === 'omitted-padding' && b.r() < 0.3)) {
    // write the holes as C padding members, the way careful C code does
    for (const h of [...cHoles(c)].reverse()) {
      const name = `${b.pick(PAD_NAMES)}${h.before}`;
      c.fields.splice(h.before, 0, { name, padding: true, type: h.size === 1 ? scalar('__u8') : { kind: 'array', of: scalar('__u8'), len: h.size } });
    }
    note = 'C writes its padding as members';
  }
  b.cRecords.push(c);
  const go = b.mirror(c);
  note = makeMistake(klass, c, go, b, note);
  if (c.packed) note = `${note ? `${note}; ` : ''}packed (${c.packed})`;
  if (c.aligned) note = `${note ? `${note}; ` : ''}aligned(${c.aligned})`;
  if (b.goDefined.length > 0) note = `${note ? `${note}; ` : ''}Go uses defined types (${b.goDefined.map((d) => `${d.name} ${goTypeText(d.of)}`).join(', ')})`;
  return { id, klass, binding, putOnly: klass === 'unexported-put', c, cRecords: b.cRecords, cEnums: b.cEnums, go, goRecords: b.goRecords, goDefined: b.goDefined, note: note || 'a faithful mirror' };
}

/** `perClass` pairs of every class, reproducible from `seed`. */
export function generatePairs(perClass: number, seed: number): Pair[] {
  const out: Pair[] = [];
  for (let i = 0; i < perClass; i++) for (const k of CLASSES) out.push(generatePair(out.length, k, seed));
  return out;
}
