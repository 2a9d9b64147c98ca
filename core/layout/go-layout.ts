import type { GoFileModel, GoStructDecl, GoTypeRef } from '../source/go-model';
import { gaps, mergeRanges, shift } from './byte-ranges';
import type { FieldLayout, LayoutOutcome, StructLayout, TypeLayout } from './types';

export type GoArch = 'amd64' | 'arm64';

/** Sizes and alignments on 64-bit Go targets; amd64 and arm64 agree on every one of them. */
const SCALARS: Record<string, { size: number; align: number }> = {
  bool: { size: 1, align: 1 }, int8: { size: 1, align: 1 }, uint8: { size: 1, align: 1 }, byte: { size: 1, align: 1 },
  int16: { size: 2, align: 2 }, uint16: { size: 2, align: 2 },
  int32: { size: 4, align: 4 }, uint32: { size: 4, align: 4 }, rune: { size: 4, align: 4 }, float32: { size: 4, align: 4 },
  int64: { size: 8, align: 8 }, uint64: { size: 8, align: 8 }, float64: { size: 8, align: 8 },
  int: { size: 8, align: 8 }, uint: { size: 8, align: 8 }, uintptr: { size: 8, align: 8 },
  complex64: { size: 8, align: 4 }, complex128: { size: 16, align: 8 },
  string: { size: 16, align: 8 },
  // the predeclared interfaces: a type word and a data word
  any: { size: 16, align: 8 }, error: { size: 16, align: 8 }, comparable: { size: 16, align: 8 },
};
const INTERFACES = new Set(['any', 'error', 'comparable']);
/** Fixed-size for encoding/binary: `int`, `uint` and `uintptr` are not (their size depends on the platform). */
const BINARY_FIXED = new Set(['bool', 'int8', 'uint8', 'byte', 'int16', 'uint16', 'int32', 'uint32', 'rune', 'float32',
  'int64', 'uint64', 'float64', 'complex64', 'complex128']);
const REFERENCE: Record<string, { size: number; align: number }> = {
  pointer: { size: 8, align: 8 }, map: { size: 8, align: 8 }, chan: { size: 8, align: 8 }, func: { size: 8, align: 8 },
  slice: { size: 24, align: 8 }, interface: { size: 16, align: 8 },
};

class Unresolved extends Error {}

export interface GoStructLayout extends StructLayout {
  /** encoding/binary.Size of the struct, or null when it has none. */
  binarySize: number | null;
  /** Why binary.Size has no answer (a field that is not fixed-size). */
  binarySizeReason?: string;
}

/** Go struct layouts for amd64 and arm64 (identical there), with what encoding/binary makes of them. */
export class GoLayoutEngine {
  private readonly active = new Set<string>();

  constructor(private readonly model: GoFileModel, readonly arch: GoArch = 'amd64') {}

  /** This file and the other files of its package: one namespace. */
  private get scope(): GoFileModel[] {
    return [this.model, ...(this.model.siblings ?? [])];
  }

  private named(name: string): GoTypeRef | GoStructDecl | null {
    for (const m of this.scope) {
      const s = m.structs.find((x) => x.name === name);
      if (s) return s;
      const d = m.defined.get(name);
      if (d) return d;
    }
    return null;
  }

  private constant(name: string): number | null {
    for (const m of this.scope) {
      const n = m.constants.get(name);
      if (n !== undefined) return n;
    }
    return null;
  }

  /** An engine for an imported package of the module, which lays out its own types. */
  private foreign(pkg: string): GoLayoutEngine | null {
    const files = this.model.packages?.get(pkg);
    return files && files.length > 0 ? new GoLayoutEngine({ ...files[0], siblings: files.slice(1) }, this.arch) : null;
  }

  /** Why a package's types are unknown, and what would make them known. */
  private missing(pkg: string, name: string): string {
    return this.model.packageErrors?.get(pkg) ?? `type ${pkg}.${name} is from a package outside this module (or not found)`;
  }

  private get where(): string {
    return this.model.siblings?.length ? 'this package' : 'this file';
  }

  typeLayout(t: GoTypeRef): TypeLayout {
    switch (t.kind) {
      case 'named': {
        if (t.pkg === 'structs' && t.name === 'HostLayout') return { size: 0, align: 1, covered: [] };
        if (t.pkg === 'unsafe' && t.name === 'Pointer') return { ...REFERENCE.pointer, covered: [[0, 8]] };
        const scalar = !t.pkg ? SCALARS[t.name] : undefined;
        if (scalar) return { ...scalar, covered: [[0, scalar.size]] };
        if (t.pkg) {
          const other = this.foreign(t.pkg);
          if (!other) throw new Unresolved(this.missing(t.pkg, t.name));
          try {
            return other.typeLayout({ kind: 'named', name: t.name });
          } catch (e) {
            if (e instanceof Unresolved && !e.message.includes(`${t.pkg}.`)) throw new Unresolved(`${t.pkg}.${t.name}: ${e.message.replace(/this (file|package)/, `package ${t.pkg}`)}`);
            throw e;
          }
        }
        const decl = this.named(t.name);
        if (!decl) throw new Unresolved(`type ${t.name} is not declared in ${this.where}`);
        if ('fields' in decl && 'nameRange' in decl) return this.structLayoutOf(decl.name, decl.fields).layout;
        if (this.active.has(t.name)) throw new Unresolved(`type ${t.name} refers to itself`);
        this.active.add(t.name);
        try { return this.typeLayout(decl as GoTypeRef); } finally { this.active.delete(t.name); }
      }
      case 'array': {
        const length = t.length ?? this.constant(t.lengthText);
        if (length === null) throw new Unresolved(`array length ${t.lengthText} is not a constant of ${this.where}`);
        const el = this.typeLayout(t.of);
        const covered: [number, number][] = [];
        for (let i = 0; i < Math.min(length, 4096); i++) covered.push(...shift(el.covered, i * el.size));
        return { size: el.size * length, align: el.align, covered: length > 4096 ? [[0, el.size * length]] : mergeRanges(covered) };
      }
      case 'struct': return this.structLayoutOf('struct{…}', t.fields).layout;
      default: {
        const r = REFERENCE[t.kind];
        return { ...r, covered: [[0, r.size]] };
      }
    }
  }

  private structLayoutOf(name: string, fields: GoStructDecl['fields']): { layout: TypeLayout; fields: FieldLayout[] } {
    if (this.active.has(`struct ${name}`)) throw new Unresolved(`struct ${name} contains itself`);
    this.active.add(`struct ${name}`);
    try {
      let offset = 0;
      let align = 1;
      let lastZero = false;
      const out: FieldLayout[] = [];
      const covered: [number, number][] = [];
      for (const f of fields) {
        const t = this.typeLayout(f.type);
        offset = Math.ceil(offset / t.align) * t.align;
        out.push({ name: f.name, type: f.typeText, offset, size: t.size, align: t.align });
        covered.push(...shift(t.covered, offset));
        offset += t.size;
        align = Math.max(align, t.align);
        lastZero = t.size === 0;
      }
      // a non-empty struct ending in a zero-sized field gets a byte, so &s.last never points past the struct
      if (lastZero && offset > 0) offset++;
      const size = Math.ceil(offset / align) * align;
      return { layout: { size, align, covered: mergeRanges(covered) }, fields: out };
    } finally {
      this.active.delete(`struct ${name}`);
    }
  }

  /** encoding/binary.Size: fields packed with no padding; null with the reason when a field is not fixed-size. */
  binarySize(t: GoTypeRef, path = ''): { size: number } | { reason: string } {
    switch (t.kind) {
      case 'named': {
        if (t.pkg === 'structs' && t.name === 'HostLayout') return { size: 0 };
        if (!t.pkg && BINARY_FIXED.has(t.name)) return { size: SCALARS[t.name].size };
        if (!t.pkg && INTERFACES.has(t.name)) return { reason: `${path || 'it'} is ${t.name}, an interface, which encoding/binary cannot encode` };
        if (!t.pkg && SCALARS[t.name]) return { reason: `${path || 'it'} is ${t.name}, whose size encoding/binary cannot know` };
        if (t.pkg) {
          const other = this.foreign(t.pkg);
          return other ? other.binarySize({ kind: 'named', name: t.name }, path) : { reason: `${path || 'it'} has type ${t.pkg}.${t.name}: ${this.missing(t.pkg, t.name)}` };
        }
        const decl = this.named(t.name);
        if (!decl) return { reason: `${path || 'it'} has type ${t.name}, not declared in ${this.where}` };
        if ('fields' in decl && 'nameRange' in decl) return this.binarySize({ kind: 'struct', fields: decl.fields }, path);
        return this.binarySize(decl as GoTypeRef, path);
      }
      case 'array': {
        const length = t.length ?? this.constant(t.lengthText);
        if (length === null) return { reason: `${path} has a non-constant length` };
        const el = this.binarySize(t.of, `${path}[i]`);
        return 'size' in el ? { size: el.size * length } : el;
      }
      case 'struct': {
        let total = 0;
        for (const f of t.fields) {
          const s = this.binarySize(f.type, path ? `${path}.${f.name}` : f.name);
          if (!('size' in s)) return s;
          total += s.size;
        }
        return { size: total };
      }
      default:
        return { reason: `${path || 'it'} is a ${t.kind}, which encoding/binary cannot encode` };
    }
  }

  /**
   * The first unexported field a value of type `t` holds, through nested structs and arrays of them, other packages'
   * included (`sync.Mutex.state`): encoding/binary cannot set it, so decoding into `t` fails. Null when there is none
   * or the type is unknown.
   */
  unexportedInside(t: GoTypeRef, path: string, depth = 0): string | null {
    if (depth > 8) return null;
    if (t.kind === 'array') return this.unexportedInside(t.of, `${path}[i]`, depth + 1);
    const fieldsOf = (fields: GoStructDecl['fields'], engine: GoLayoutEngine) => {
      for (const f of fields) {
        if (f.name === '_') continue;
        if (!f.embedded && /^[a-z]/.test(f.name)) return `${path}.${f.name}`;
        const inner = engine.unexportedInside(f.type, `${path}.${f.name}`, depth + 1);
        if (inner) return inner;
      }
      return null;
    };
    if (t.kind === 'struct') return fieldsOf(t.fields, this);
    if (t.kind !== 'named') return null;
    if (t.pkg) {
      const other = this.foreign(t.pkg);
      return other ? other.unexportedInside({ kind: 'named', name: t.name }, path, depth + 1) : null;
    }
    const decl = this.named(t.name);
    if (!decl) return null;
    return 'nameRange' in decl ? fieldsOf(decl.fields, this) : this.unexportedInside(decl as GoTypeRef, path, depth + 1);
  }

  /** The fields where encoding/binary puts them (one after the other, no padding), or null when it has no size. */
  binaryFields(s: GoStructDecl, layout: GoStructLayout): FieldLayout[] | null {
    if (layout.binarySize === null) return null;
    let at = 0;
    return layout.fields.map((f, i) => {
      const size = (this.binarySize(s.fields[i].type) as { size: number }).size;
      const out = { ...f, offset: at, size };
      at += size;
      return out;
    });
  }

  structLayout(s: GoStructDecl): LayoutOutcome<GoStructLayout> {
    try {
      const { layout, fields } = this.structLayoutOf(s.name, s.fields);
      const holes = gaps(layout.covered, layout.size).map(([a, b]) => ({ offset: a, size: b - a, trailing: b === layout.size && a > 0 }));
      const bin = this.binarySize({ kind: 'struct', fields: s.fields });
      return {
        ok: true,
        value: { name: s.name, language: 'go', size: layout.size, align: layout.align, fields, holes,
          binarySize: 'size' in bin ? bin.size : null, ...('reason' in bin ? { binarySizeReason: bin.reason } : {}) },
      };
    } catch (e) {
      if (e instanceof Unresolved) return { ok: false, reason: e.message };
      throw e;
    }
  }
}
