import { BtfLayouts } from '../../../core/btf/btf-layout';
import type { Btf, BtfType } from '../../../core/btf/btf-reader';
import { cLayoutOf, GO_SIZES, type CField, type CRecord, type CType, type GoRecord, type GoType } from './pair-model';

/** A C value: an integer's bits (unsigned), an array's elements, a struct's members by name. */
export type CValue = bigint | CValue[] | { [member: string]: CValue };

/**
 * Distinct values (no two integers of one width alike) with no zero byte, so a field read from the wrong offset, with
 * the wrong width or swapped with another shows.
 */
export function assignValues(rec: CRecord, r: () => number, used = new Set<string>()): { [member: string]: CValue } {
  const out: { [member: string]: CValue } = {};
  for (const f of rec.union ? rec.fields.slice(0, 1) : rec.fields) out[f.name] = valueOf(f.type, f, r, used);
  return out;
}

function valueOf(t: CType, f: CField, r: () => number, used: Set<string>): CValue {
  if (t.kind === 'array') return Array.from({ length: t.len }, () => valueOf(t.of, f, r, used));
  if (t.kind === 'record') return assignValues(t.rec, r, used);
  if (f.padding) return 0n;
  if (f.values === 'bool') return 1n;
  if (f.values === 'text') return BigInt(97 + Math.floor(r() * 26));
  for (let attempt = 0; ; attempt++) {
    let v = 0n;
    for (let i = 0; i < t.size; i++) v |= BigInt(1 + Math.floor(r() * 255)) << BigInt(8 * i);
    // 255 one-byte values: a pair with more one-byte elements than that repeats some (none of this generator's do)
    if (!used.has(`${t.size}:${v}`) || attempt > 1000) {
      used.add(`${t.size}:${v}`);
      return v;
    }
  }
}

const MODIFIERS = new Set(['TYPEDEF', 'VOLATILE', 'CONST', 'RESTRICT', 'TYPE_TAG']);

/**
 * The bytes a C program holds for `value` in struct `name`, laid out by clang's BTF (not by this project's C engine),
 * with `fill` in the holes; `covered` marks the bytes a member holds (the only ones a C reader looks at).
 */
export function cBytesFromBtf(btf: Btf, name: string, value: CValue, fill: number): { bytes: Buffer; covered: boolean[] } {
  const layouts = new BtfLayouts(btf);
  const t = btf.types.find((x) => x.kind === 'STRUCT' && x.name === name);
  if (!t) throw new Error(`struct ${name} is not in the object's BTF`);
  const bytes = Buffer.alloc(t.sizeOrType, fill);
  const resolve = (id: number): BtfType => {
    let x = btf.type(id)!;
    while (MODIFIERS.has(x.kind)) x = btf.type(x.sizeOrType)!;
    return x;
  };
  const write = (id: number, off: number, v: CValue, where: string) => {
    const x = resolve(id);
    if (x.kind === 'INT' || x.kind === 'ENUM') {
      if (typeof v !== 'bigint') throw new Error(`${where}: a scalar in BTF, not in the generated value`);
      for (let i = 0; i < x.sizeOrType; i++) bytes[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
    } else if (x.kind === 'ARRAY') {
      if (!Array.isArray(v)) throw new Error(`${where}: an array in BTF, not in the generated value`);
      const es = layouts.sizeOf(x.array!.type);
      for (let i = 0; i < x.array!.nelems; i++) write(x.array!.type, off + i * es, v[i], `${where}[${i}]`);
    } else if (x.kind === 'STRUCT' || x.kind === 'UNION') {
      if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: a struct in BTF, not in the generated value`);
      if (x.kind === 'UNION') bytes.fill(0, off, off + x.sizeOrType); // the members without a value overlay the written one
      for (const m of x.kind === 'UNION' ? (x.members ?? []).slice(0, 1) : x.members ?? []) {
        if (m.bitSize || v[m.name] === undefined) throw new Error(`${where}.${m.name}: a member the generator did not write`);
        write(m.type, off + m.bitOffset / 8, v[m.name], `${where}.${m.name}`);
      }
    } else {
      throw new Error(`${where}: BTF kind ${x.kind} is not generated`);
    }
  };
  write(t.id, 0, value, name);
  const covered = Array.from({ length: bytes.length }, () => true);
  for (const h of layouts.structLayout(t).holes) for (let i = h.offset; i < h.offset + h.size; i++) covered[i] = false;
  return { bytes, covered };
}

const GO_SIGNED = (name: string) => /^int/.test(name);

/** A C integer's value as the Go integer type `go` holds it (sign-extended per C, wrapped to Go's width). */
function goInteger(v: bigint, cSize: number, cSigned: boolean, go: string): string {
  const bits = BigInt(8 * cSize);
  let n = cSigned && v >= 1n << (bits - 1n) ? v - (1n << bits) : v;
  const gBits = BigInt(8 * GO_SIZES[go]);
  n = ((n % (1n << gBits)) + (1n << gBits)) % (1n << gBits);
  if (GO_SIGNED(go) && n >= 1n << (gBits - 1n)) n -= 1n << gBits;
  return n.toString();
}

export function goTypeText(t: GoType): string {
  if (t.kind === 'scalar' || t.kind === 'defined') return t.name;
  if (t.kind === 'record') {
    return t.rec.inline ? `struct { ${t.rec.fields.map((f) => `${f.name} ${goTypeText(f.type)}`).join('; ')} }` : t.rec.name;
  }
  return `[${t.len}]${goTypeText(t.of)}`;
}

/** The little-endian bytes of a C value of type `t` (for a Go byte array standing for a C array). */
function flatBytes(t: CType, v: CValue): number[] {
  if (t.kind === 'scalar') return Array.from({ length: t.size }, (_, i) => Number(((v as bigint) >> BigInt(8 * i)) & 0xffn));
  if (t.kind === 'array') return (v as CValue[]).flatMap((e) => flatBytes(t.of, e));
  if (!t.rec.union) throw new Error('generator: a struct flattened to bytes');
  const first = t.rec.fields[0];
  const out = flatBytes(first.type, (v as { [m: string]: CValue })[first.name]);
  return [...out, ...Array.from({ length: cLayoutOf(t).size - out.length }, () => 0)];
}

/** The Go expression holding the same values as the C field (the value a faithful mirror decodes to). */
export function goExpr(g: GoType, c: CType, v: CValue): string {
  if (g.kind === 'defined') return goExpr(g.of, c, v); // an untyped constant converts to the defined type
  if (g.kind === 'scalar') {
    if (g.name === 'bool') return v !== 0n ? 'true' : 'false';
    if (g.name === 'string') return JSON.stringify(String.fromCharCode(...flatBytes(c, v)));
    if (c.kind !== 'scalar') throw new Error(`generator: Go ${g.name} for a C ${c.kind}`);
    if (g.name === 'time.Time') return `time.Unix(0, ${goInteger(v as bigint, c.size, c.signed, 'int64')})`;
    const as = g.name === 'byte' ? 'uint8' : g.name === 'time.Duration' ? 'int64' : g.name;
    return goInteger(v as bigint, c.size, c.signed, as);
  }
  if (g.kind === 'array' && c.kind === 'record') return `${goTypeText(g)}{${flatBytes(c, v).join(', ')}}`; // [16]byte for a union
  if (g.kind === 'record') {
    if (c.kind !== 'record') throw new Error(`generator: Go struct ${g.rec.name} for a C ${c.kind}`);
    return goLiteral(g.rec, v as { [m: string]: CValue });
  }
  if (c.kind !== 'array') throw new Error(`generator: Go array for a C ${c.kind}`);
  const values = v as CValue[];
  const cElementSize = c.of.kind === 'scalar' ? c.of.size : 0;
  if (g.of.kind === 'scalar' && GO_SIZES[g.of.name] === 1 && cElementSize > 1) {
    return `${goTypeText(g)}{${flatBytes(c, v).join(', ')}}`; // [16]byte for __u32[4]: the same bytes
  }
  const elements = Array.from({ length: g.len }, (_, i) => (i < values.length ? goExpr(g.of, c.of, values[i]) : String(0x40 + i)));
  return `${goTypeText(g)}{${elements.join(', ')}}`;
}

/** `Name{Field: value, ...}` for the Go record, each field from the C member it mirrors. */
export function goLiteral(g: GoRecord, v: { [m: string]: CValue }): string {
  const parts = g.fields.filter((f) => f.mirrors !== undefined).map((f) => {
    const cf = g.mirrors.fields.find((x) => x.name === f.mirrors)!;
    return `${f.name}: ${goExpr(f.type, cf.type, v[cf.name])}`;
  });
  return `${goTypeText({ kind: 'record', rec: g })}{${parts.join(', ')}}`;
}
