import { gaps, mergeRanges, shift } from '../layout/byte-ranges';
import type { FieldLayout, StructLayout, TypeLayout } from '../layout/types';
import type { Btf, BtfType } from './btf-reader';

const MODIFIERS = new Set(['TYPEDEF', 'VOLATILE', 'CONST', 'RESTRICT', 'TYPE_TAG']);
const MAX_DEPTH = 64;

/** Struct and union layouts as the compiler laid them out, read from BTF: offsets and sizes are authoritative. */
export class BtfLayouts {
  private readonly covered = new Map<number, [number, number][]>();

  constructor(private readonly btf: Btf) {}

  private resolve(id: number, depth = 0): BtfType | undefined {
    let t = this.btf.type(id);
    while (t && MODIFIERS.has(t.kind) && depth++ < MAX_DEPTH) t = this.btf.type(t.sizeOrType);
    return t;
  }

  sizeOf(id: number, depth = 0): number {
    const t = this.resolve(id);
    if (!t || depth > MAX_DEPTH) return 0;
    switch (t.kind) {
      case 'INT': case 'ENUM': case 'ENUM64': case 'FLOAT': case 'STRUCT': case 'UNION': case 'DATASEC': return t.sizeOrType;
      case 'PTR': return 8;
      case 'ARRAY': return t.array!.nelems * this.sizeOf(t.array!.type, depth + 1);
      default: return 0;
    }
  }

  /** Alignment on the BPF target (BTF does not record it): natural alignment, 1 for a packed record. */
  alignOf(id: number, depth = 0): number {
    const t = this.resolve(id);
    if (!t || depth > MAX_DEPTH) return 1;
    switch (t.kind) {
      case 'INT': case 'ENUM': case 'ENUM64': case 'FLOAT': return Math.max(1, Math.min(t.sizeOrType, 16));
      case 'PTR': return 8;
      case 'ARRAY': return this.alignOf(t.array!.type, depth + 1);
      case 'STRUCT': case 'UNION': {
        let a = 1;
        for (const m of t.members ?? []) {
          const ma = this.alignOf(m.type, depth + 1);
          if (m.bitSize === 0 && m.bitOffset % (ma * 8) !== 0) return 1; // a misaligned member: the record is packed
          a = Math.max(a, ma);
        }
        return t.sizeOrType % a === 0 ? a : 1;
      }
      default: return 1;
    }
  }

  typeName(id: number, depth = 0): string {
    const t = this.btf.type(id);
    if (!t || depth > MAX_DEPTH) return '?';
    const anon = (k: string) => `${k} ${t.name || '(anon)'}`;
    switch (t.kind) {
      case 'UNKN': return 'void';
      case 'PTR': return `${this.typeName(t.sizeOrType, depth + 1)} *`;
      case 'ARRAY': {
        let dims = '';
        let cur: BtfType | undefined = t;
        while (cur?.kind === 'ARRAY' && depth++ < MAX_DEPTH) {
          dims += `[${cur.array!.nelems}]`;
          cur = this.btf.type(cur.array!.type);
        }
        return `${cur ? this.typeName(cur.id, depth + 1) : '?'}${dims}`;
      }
      case 'STRUCT': return anon('struct');
      case 'UNION': return anon('union');
      case 'ENUM': case 'ENUM64': return anon('enum');
      case 'FWD': return `${t.kindFlag ? 'union' : 'struct'} ${t.name}`;
      case 'CONST': return `const ${this.typeName(t.sizeOrType, depth + 1)}`;
      case 'VOLATILE': return `volatile ${this.typeName(t.sizeOrType, depth + 1)}`;
      case 'FUNC_PROTO': return 'function';
      default: return t.name || t.kind.toLowerCase();
    }
  }

  /** Bytes of type `id` that hold data: nested padding stays uncovered. */
  private coveredOf(id: number, depth = 0): [number, number][] {
    const t = this.resolve(id);
    const size = this.sizeOf(id);
    if (!t || depth > MAX_DEPTH) return [[0, size]];
    if (t.kind === 'ARRAY') {
      const el = this.coveredOf(t.array!.type, depth + 1);
      const es = this.sizeOf(t.array!.type);
      if (t.array!.nelems * el.length > 65536) return [[0, size]];
      const out: [number, number][] = [];
      for (let i = 0; i < t.array!.nelems; i++) out.push(...shift(el, i * es));
      return mergeRanges(out);
    }
    if (t.kind !== 'STRUCT' && t.kind !== 'UNION') return [[0, size]];
    const memo = this.covered.get(t.id);
    if (memo) return memo;
    const out: [number, number][] = [];
    for (const m of t.members ?? []) {
      if (m.bitSize > 0) out.push([Math.floor(m.bitOffset / 8), Math.ceil((m.bitOffset + m.bitSize) / 8)]);
      else out.push(...shift(this.coveredOf(m.type, depth + 1), m.bitOffset / 8));
    }
    const merged = mergeRanges(out);
    this.covered.set(t.id, merged);
    return merged;
  }

  structLayout(t: BtfType): StructLayout {
    const fields: FieldLayout[] = (t.members ?? []).map((m) => {
      const size = this.sizeOf(m.type);
      const align = this.alignOf(m.type);
      if (m.bitSize > 0) {
        const unit = Math.max(1, size) * 8;
        return { name: m.name || '(anon)', type: this.typeName(m.type), offset: Math.floor(m.bitOffset / unit) * size, size, align, bitOffset: m.bitOffset, bitSize: m.bitSize };
      }
      return { name: m.name || '(anon)', type: this.typeName(m.type), offset: m.bitOffset / 8, size, align };
    });
    const size = t.sizeOrType;
    const holes = gaps(this.coveredOf(t.id), size).map(([a, b]) => ({ offset: a, size: b - a, trailing: b === size && a > 0 }));
    return { name: this.typeName(t.id), language: 'c', size, align: this.alignOf(t.id), fields, holes };
  }

  private byName?: Map<string, BtfType>;

  /**
   * The layout of a named struct, union, enum or typedef (`struct:name`, `union:name`, `enum:name`, `typedef:name`), for types a source
   * uses but does not define. Undefined when the BTF has no such type.
   */
  layoutByName(kind: 'struct' | 'union' | 'enum' | 'typedef', name: string): TypeLayout | undefined {
    if (!this.byName) {
      this.byName = new Map();
      for (const t of this.btf.types) {
        if (!t.name || !['STRUCT', 'UNION', 'ENUM', 'ENUM64', 'TYPEDEF'].includes(t.kind)) continue;
        const key = `${t.kind.replace('64', '').toLowerCase()}:${t.name}`;
        if (!this.byName.has(key)) this.byName.set(key, t);
      }
    }
    const t = this.byName.get(`${kind}:${name}`);
    if (!t) return undefined;
    return { size: this.sizeOf(t.id), align: this.alignOf(t.id), covered: this.coveredOf(t.id) };
  }

  /** Every struct and union of the object, named ones first. */
  all(): StructLayout[] {
    const records = this.btf.types.filter((t) => t.kind === 'STRUCT' || t.kind === 'UNION');
    records.sort((a, b) => Number(!a.name) - Number(!b.name) || a.id - b.id);
    return records.map((t) => this.structLayout(t));
  }
}
