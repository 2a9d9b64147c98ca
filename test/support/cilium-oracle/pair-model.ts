/**
 * The shapes the cilium/ebpf oracle generates: a C struct (the BPF program's view) and the Go type meant to mirror it
 * (user space's view through cilium/ebpf, which marshals with encoding/binary). The generator's own layout arithmetic
 * here only builds the cases; whether a pair works is decided by the kernel and cilium/ebpf, and the C offsets the
 * verdict compares against are read from clang's BTF.
 */

/** `enum x` is a scalar too (4 bytes on the BPF target for these values). */
export interface CScalar { kind: 'scalar'; name: string; size: number; signed: boolean }
/** `lenMacro`: the length is written through a `#define` (`char comm[TASK_COMM_LEN]`). */
export interface CArray { kind: 'array'; of: CScalar | CRecordRef; len: number; lenMacro?: string }
export interface CRecordRef { kind: 'record'; rec: CRecord }
export type CType = CScalar | CArray | CRecordRef;

export interface CField {
  name: string;
  type: CType;
  /** An explicit padding member (`__pad0[3]`, `reserved`): C code leaves it zero. */
  padding?: boolean;
  /** Values the mirror constrains: a Go bool holds 0 or 1, a Go string printable text. */
  values?: 'bool' | 'text';
}

export type PackedSpelling = 'suffix' | 'suffix-dunder' | 'prefix';
/** `union`: every member at offset 0 (the generator writes the first member only; the others overlay it). */
/** `aligned`: `__attribute__((aligned(N)))` on the record, which can add trailing padding. */
export interface CRecord { name: string; fields: CField[]; packed?: PackedSpelling; union?: boolean; aligned?: number }

export interface GoScalar { kind: 'scalar'; name: string }
/** A defined type over an integer (`type Ifindex uint32`), as Go code names its fields' types. */
export interface GoDefined { kind: 'defined'; name: string; of: GoScalar | GoArray }
export interface GoArray { kind: 'array'; of: GoScalar | GoRecordRef; len: number }
export interface GoRecordRef { kind: 'record'; rec: GoRecord }
export type GoType = GoScalar | GoDefined | GoArray | GoRecordRef;

export interface GoField {
  /** `_` for a blank field. */
  name: string;
  type: GoType;
  /** The C field whose value this field carries (none for a blank field). */
  mirrors?: string;
  /** An embedded field (`Hdr` alone): its name is its type's. */
  embedded?: boolean;
}
/** `inline`: written as an anonymous `struct { ... }` where it is used, as bpf2go writes nested records. */
export interface GoRecord { name: string; fields: GoField[]; mirrors: CRecord; inline?: boolean }

/** How the Go type is made kernel-bound in the linted source, the ways real code does. */
export type Binding = 'marker' | 'name' | 'bpf2go' | 'module';

export const CLASSES = ['faithful', 'packed', 'blank-padding', 'named-padding', 'omitted-padding', 'misplaced-padding', 'packed-with-padding',
  'swapped', 'int', 'string', 'array-length', 'width', 'unexported', 'unexported-put', 'bool', 'signedness', 'byte-array', 'renamed', 'union', 'embedded', 'duration', 'time'] as const;
export type PairClass = (typeof CLASSES)[number];

export interface Pair {
  id: number;
  klass: PairClass;
  binding: Binding;
  /** The outer C struct; `cRecords` lists it last, after the nested ones it uses. */
  c: CRecord;
  cRecords: CRecord[];
  /** `enum x { ... };` definitions the C records use. */
  cEnums: string[];
  go: GoRecord;
  goRecords: GoRecord[];
  /** `type X uint32` declarations the Go records use. */
  goDefined: GoDefined[];
  /** User space only writes the value (Map.Put), as for configuration maps: it is never decoded. */
  putOnly: boolean;
  /** What the generator changed from a faithful mirror, for the report. */
  note: string;
}

export const C_SCALARS: CScalar[] = [
  ['__u8', 1, false], ['__s8', 1, true], ['__u16', 2, false], ['__s16', 2, true], ['__u32', 4, false], ['__s32', 4, true],
  ['__u64', 8, false], ['__s64', 8, true], ['__be16', 2, false], ['__be32', 4, false], ['unsigned char', 1, false],
  ['char', 1, true], ['short', 2, true], ['unsigned short', 2, false], ['int', 4, true], ['unsigned int', 4, false],
  ['long long', 8, true], ['unsigned long long', 8, false],
].map(([name, size, signed]) => ({ kind: 'scalar', name: name as string, size: size as number, signed: signed as boolean }));

/** The Go integer of a C scalar's width and signedness (bpf2go writes `char` as int8). */
export function goIntFor(c: CScalar, flipSign = false): string {
  const signed = c.signed !== flipSign;
  return `${signed ? 'int' : 'uint'}${c.size * 8}`;
}

export const GO_SIZES: Record<string, number> = { bool: 1, int8: 1, uint8: 1, byte: 1, int16: 2, uint16: 2, int32: 4, uint32: 4,
  int64: 8, uint64: 8, int: 8, uint: 8, string: 16, 'time.Duration': 8 };

export interface SizeAlign { size: number; align: number }

/** Natural C layout on the BPF target (packed: alignment 1), used to place padding when building a case. */
export function cLayoutOf(t: CType): SizeAlign {
  if (t.kind === 'scalar') return { size: t.size, align: t.size };
  if (t.kind === 'array') {
    const el = cLayoutOf(t.of);
    return { size: el.size * t.len, align: el.align };
  }
  const offs = cFieldOffsets(t.rec);
  return { size: offs.size, align: offs.align };
}

export function cFieldOffsets(rec: CRecord): { offsets: number[]; size: number; align: number } {
  if (rec.union) {
    const ls = rec.fields.map((f) => cLayoutOf(f.type));
    const align = Math.max(...ls.map((l) => l.align));
    return { offsets: ls.map(() => 0), size: Math.ceil(Math.max(...ls.map((l) => l.size)) / align) * align, align };
  }
  let off = 0;
  let align = 1;
  const offsets: number[] = [];
  for (const f of rec.fields) {
    const l = cLayoutOf(f.type);
    const a = rec.packed ? 1 : l.align;
    off = Math.ceil(off / a) * a;
    offsets.push(off);
    off += l.size;
    align = Math.max(align, a);
  }
  align = Math.max(align, rec.aligned ?? 1);
  return { offsets, size: Math.ceil(off / align) * align, align };
}

/** The holes of a record's own level: [offset, size] before each field index (fields.length: the trailing one). */
export function cHoles(rec: CRecord): { before: number; offset: number; size: number }[] {
  if (rec.union) return []; // the generator's unions end with their largest member, a byte array: no hole
  const { offsets, size } = cFieldOffsets(rec);
  const out: { before: number; offset: number; size: number }[] = [];
  let end = 0;
  rec.fields.forEach((f, i) => {
    if (offsets[i] > end) out.push({ before: i, offset: end, size: offsets[i] - end });
    end = offsets[i] + cLayoutOf(f.type).size;
  });
  if (size > end) out.push({ before: rec.fields.length, offset: end, size: size - end });
  return out;
}

/** Whether any level of the record (nested ones included) has a hole. */
export function hasHoles(rec: CRecord): boolean {
  return cHoles(rec).length > 0 || rec.fields.some((f) => {
    const inner = f.type.kind === 'record' ? f.type.rec : f.type.kind === 'array' && f.type.of.kind === 'record' ? f.type.of.rec : null;
    return inner !== null && hasHoles(inner);
  });
}

export const scalar = (name: string) => C_SCALARS.find((s) => s.name === name)!;
export const camel = (s: string) => s.split('_').filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
export const blank = (n: number): GoField => ({ name: '_', type: { kind: 'array', of: { kind: 'scalar', name: 'byte' }, len: n } });

/** Go blank fields where the C record (laid out naturally) has holes: the mirror bpf2go writes. */
export function withBlanks(g: GoRecord, rec: CRecord, asIfUnpacked = false): void {
  const holes = cHoles(asIfUnpacked ? { ...rec, packed: undefined } : rec);
  for (const h of [...holes].reverse()) g.fields.splice(h.before, 0, blank(h.size));
}
