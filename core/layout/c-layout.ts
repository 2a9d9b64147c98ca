import type { CEnumDecl, CFieldDecl, CFileModel, CRecordDecl, CTypeRef } from '../source/c-model';
import type { GroupState, Preprocessed } from '../source/c-preprocess';
import type { Position } from '../source/range';
import { gaps, mergeRanges, shift } from './byte-ranges';
import { ACTIVE, expandAttributeMacros, hasConditionals, hasPackPragmas, macroArrayLength, preprocessedUnit, recordName, Unresolved } from './c-macros';
import { BPF_SCALARS, enumSize, POINTER } from './c-primitives';
import type { FieldLayout, LayoutOutcome, StructLayout, TypeLayout } from './types';

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;
const MAX_ARRAY_PATTERN = 1 << 16; // replicate an element's coverage up to this many bytes; beyond, treat as covered

/** Computes C layouts for the BPF target from one file's declarations. Unknown types are reported, never guessed. */
export class CLayoutEngine {
  private readonly active = new Set<CRecordDecl>();
  private readonly cache = new Map<CRecordDecl, TypeLayout>();

  constructor(private readonly model: CFileModel) {}

  /** `struct name` / `union name` (and an anonymous record's typedef name) -> the records in scope, in order. */
  private index?: Map<string, CRecordDecl[]>;
  /** Which file of the scope each record is written in. */
  private owners?: Map<CRecordDecl, CFileModel>;

  /**
   * A record by the name a user types (`flow_key`, `struct flow_key`, a typedef name): the document's own first,
   * then those of the headers it includes.
   */
  recordNamed(name: string): CRecordDecl | undefined {
    const tag = /^(struct|union) /.exec(name)?.[1] as 'struct' | 'union' | undefined;
    const want = name.replace(/^(struct|union) /, '');
    return this.model.records.find((r) => r.name === want || r.typedefName === want)
      ?? (tag ? this.findRecord(tag, want) : this.findRecord('struct', want) ?? this.findRecord('union', want) ?? this.resolveRecord({ kind: 'named', name: want }));
  }

  /** The first definition the preprocessor compiles (or cannot decide on); one under a false `#if` is skipped. */
  findRecord(tag: 'struct' | 'union', name: string): CRecordDecl | undefined {
    if (!this.index) {
      this.index = new Map();
      for (const m of this.scope) {
        for (const r of m.records) {
          for (const n of [r.name, r.typedefName]) if (n) this.index.set(`${r.tag} ${n}`, [...(this.index.get(`${r.tag} ${n}`) ?? []), r]);
        }
      }
    }
    const all = this.index.get(`${tag} ${name}`);
    return all?.find((r) => this.compiled(r.range.start, r).state !== 'inactive') ?? all?.[0];
  }

  private ownerOf(rec: CRecordDecl): CFileModel {
    if (!this.owners) {
      this.owners = new Map();
      for (const m of this.scope) for (const r of m.records) if (!this.owners.has(r)) this.owners.set(r, m);
    }
    return this.owners.get(rec) ?? this.model;
  }

  /** The unit's preprocessor run (conditions, macros), once per model. */
  private get preprocessed(): Preprocessed {
    return preprocessedUnit(this.model);
  }

  /** Whether the code at `p` in the file that holds `rec` is compiled. */
  private compiled(p: Position, rec: CRecordDecl): GroupState {
    const owner = this.ownerOf(rec);
    return hasConditionals(owner) ? this.preprocessed.at(owner, p).state : ACTIVE;
  }

  /** The file, then the headers it includes: one translation unit, one namespace. */
  private get scope(): CFileModel[] {
    return [this.model, ...(this.model.headers ?? [])];
  }

  /** The first file of the scope that defines `name` in the table `pick` chooses (typedefs, enums, constants). */
  private lookup<T>(pick: (m: CFileModel) => Map<string, T>, name: string): T | undefined {
    for (const m of this.scope) {
      const v = pick(m).get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  private typedef(name: string): CTypeRef | undefined {
    return this.lookup((m) => m.typedefs, name);
  }

  private enumDef(name: string): CEnumDecl | undefined {
    return this.lookup((m) => m.enums, name);
  }

  private constant(name: string): number | null {
    return this.lookup((m) => m.constants, name) ?? null;
  }

  /** An array size as the preprocessor leaves it (c-macros.ts): the unit's `#define`s and `-D`s, then enumerators. */
  private arrayLength(type: Extract<CTypeRef, { kind: 'array' }>): number | null {
    if (!type.lengthText || !/[A-Za-z_]/.test(type.lengthText) || !this.model.directives) return type.length ?? this.constant(type.lengthText);
    return macroArrayLength(type.lengthText, this.preprocessed.macros, (n) => this.constant(n)) ?? type.length ?? this.constant(type.lengthText);
  }

  /** A layout from BTF, for a type no source defines. */
  private external(kind: 'struct' | 'union' | 'enum' | 'typedef', name: string): TypeLayout | undefined {
    for (const b of this.model.btf ?? []) {
      const l = b.layout(kind, name);
      if (l) return l;
    }
    return undefined;
  }

  private get where(): string {
    const btf = (this.model.btf ?? []).map((b) => b.origin);
    return `this file${this.model.headers?.length ? ', the headers it includes' : ''}${btf.length ? ` or ${btf.join(', ')}` : ''}`;
  }

  /** Resolve a `struct k` / typedef reference to its definition in this file. */
  resolveRecord(type: CTypeRef): CRecordDecl | undefined {
    if (type.kind === 'record') return type.def ?? (type.name ? this.findRecord(type.tag, type.name) : undefined);
    if (type.kind === 'named') {
      const td = this.typedef(type.name);
      return td ? this.resolveRecord(td) : undefined;
    }
    return undefined;
  }

  typeLayout(type: CTypeRef, seen = new Set<string>()): TypeLayout {
    switch (type.kind) {
      case 'pointer':
        return { ...POINTER, covered: [[0, POINTER.size]] };
      case 'enum': {
        const def = type.def ?? (type.name ? this.enumDef(type.name) : undefined);
        if (def) return this.enumLayout(def, seen);
        const btf = type.name ? this.external('enum', type.name) : undefined;
        if (btf) return btf;
        throw new Unresolved(`enum ${type.name ?? '(anonymous)'} is not defined in ${this.where}`);
      }
      case 'array': {
        const length = this.arrayLength(type);
        if (length === null) throw new Unresolved(`array size '${type.lengthText || '(flexible)'}' is not a constant ${this.where} defines`);
        const el = this.typeLayout(type.of, seen);
        const size = el.size * length;
        const full = el.covered.length === 1 && el.covered[0][0] === 0 && el.covered[0][1] === el.size;
        const covered: [number, number][] = [];
        if (full || size > MAX_ARRAY_PATTERN) covered.push([0, size]);
        else for (let i = 0; i < length; i++) covered.push(...shift(el.covered, i * el.size));
        return { size, align: el.align, covered: mergeRanges(covered) };
      }
      case 'record': {
        const rec = this.resolveRecord(type);
        if (rec) {
          try {
            return this.cache.get(rec) ?? this.recordLayout(rec).layout;
          } catch (e) {
            // the compiled object knows what the source did not tell: its BTF has the struct as built
            const btf = e instanceof Unresolved && type.name ? this.externalStruct(type.tag, type.name) : undefined;
            if (!btf) throw e;
            const covered = gaps(btf.holes.map((h): [number, number] => [h.offset, h.offset + h.size]), btf.size);
            return { size: btf.size, align: btf.align, covered };
          }
        }
        const btf = type.name ? this.external(type.tag, type.name) : undefined;
        if (btf) return btf;
        throw new Unresolved(`${type.tag} ${type.name ?? '(anonymous)'} is not defined in ${this.where}`);
      }
      case 'named': {
        const scalar = BPF_SCALARS.get(type.name);
        if (scalar) return { ...scalar, covered: [[0, scalar.size]] };
        const td = this.typedef(type.name);
        if (td && !seen.has(type.name)) return this.typeLayout(td, new Set(seen).add(type.name));
        const btf = this.external('typedef', type.name);
        if (btf) return btf;
        throw new Unresolved(`type '${type.name}' is not defined in ${this.where}`);
      }
    }
  }

  private enumLayout(def: CEnumDecl, seen: Set<string>): TypeLayout {
    if (def.underlying) return this.typeLayout(def.underlying, seen);
    const size = enumSize(def.packed, def.min, def.max);
    if (size === null) {
      throw new Unresolved(`enum ${def.name ?? '(anonymous)'} is packed, so its size depends on its values, and ${def.unknownValue} is not a constant ${this.where} defines`);
    }
    return { size, align: size, covered: [[0, size]] };
  }

  recordLayout(rec: CRecordDecl): { layout: TypeLayout; fields: FieldLayout[] } {
    if (this.active.has(rec)) throw new Unresolved(`${rec.tag} ${rec.name ?? ''} contains itself`);
    if (rec.unparsed) throw new Unresolved(`${recordName(rec)}: ${rec.unparsed}`);
    const macroAttrs = this.attributeMacros(rec);
    const pack = this.packOf(rec);
    const packed = rec.packed || macroAttrs.packed;
    if (rec.alignAttr === -1) throw new Unresolved(`${recordName(rec)} has an aligned(...) attribute whose argument is not an integer constant`);
    this.active.add(rec);
    try {
      const fields: FieldLayout[] = [];
      const covered: [number, number][] = [];
      let bit = 0; // current offset in bits
      let size = 0; // union: largest member
      let align = 1;
      for (const f of this.compiledFields(rec)) {
        const t = this.typeLayout(f.type);
        if (f.alignAttr === -1) throw new Unresolved(`member '${f.name ?? '(anonymous)'}' has an aligned(...) attribute whose argument is not an integer constant`);
        if (f.bitWidth !== undefined) {
          if (f.bitWidth < 0) throw new Unresolved(`bitfield width of '${f.name ?? ''}' is not a constant`);
          const unit = t.size * 8;
          let at = rec.tag === 'union' ? 0 : bit;
          if (f.bitWidth === 0) {
            bit = alignUp(bit, t.align * 8); // zero-width: next member starts at the next unit
            continue;
          }
          if (!packed && Math.floor(at / unit) !== Math.floor((at + f.bitWidth - 1) / unit)) at = alignUp(at, t.align * 8);
          if (f.name !== null && !packed) align = Math.max(align, t.align); // unnamed bitfields do not align the record
          const byte = Math.floor(at / 8);
          covered.push([byte, Math.ceil((at + f.bitWidth) / 8)]);
          if (f.name !== null) {
            const storage = Math.floor(at / unit) * t.size;
            fields.push({ name: f.name, type: f.typeText, offset: storage, size: t.size, align: t.align, bitOffset: at, bitSize: f.bitWidth });
          }
          if (rec.tag === 'union') size = Math.max(size, Math.ceil(f.bitWidth / 8));
          else bit = at + f.bitWidth;
          continue;
        }
        const own = f.attributeMacros ? expandAttributeMacros(`member '${f.name ?? '(anonymous)'}'`, f.attributeMacros, this.preprocessed.macros) : { packed: false };
        let fa = packed || f.packedAttr || own.packed ? 1 : t.align;
        if (f.alignAttr) fa = Math.max(fa, f.alignAttr);
        if (own.aligned) fa = Math.max(fa, own.aligned);
        if (pack !== undefined) fa = Math.min(fa, pack); // `#pragma pack(N)` caps aligned members too (clang)
        const offset = rec.tag === 'union' ? 0 : alignUp(Math.ceil(bit / 8), fa);
        align = Math.max(align, fa);
        covered.push(...shift(t.covered, offset));
        fields.push({ name: f.name ?? '(anonymous)', type: declaredType(f.typeText, f.type), offset, size: t.size, align: fa });
        if (rec.tag === 'union') size = Math.max(size, t.size);
        else bit = (offset + t.size) * 8;
      }
      if (rec.alignAttr) align = Math.max(align, rec.alignAttr);
      if (macroAttrs.aligned) align = Math.max(align, macroAttrs.aligned);
      const raw = rec.tag === 'union' ? size : Math.ceil(bit / 8);
      const total = alignUp(raw, align);
      const layout = { size: total, align, covered: mergeRanges(covered) };
      this.cache.set(rec, layout);
      return { layout, fields };
    } finally {
      this.active.delete(rec);
    }
  }

  /**
   * Whether the compiler packs the record: `__attribute__((packed))`, a macro that expands to it (`} __packed;`), or
   * `#pragma pack(1)` in force where it is defined. For the Go side: a packed C struct has no padding to mirror.
   */
  isPacked(rec: CRecordDecl): boolean {
    if (rec.packed) return true;
    try {
      return this.attributeMacros(rec).packed || this.packOf(rec) === 1;
    } catch (e) {
      if (e instanceof Unresolved) return false;
      throw e;
    }
  }

  /** False for a definition under a false `#if`: the compiler never sees it. */
  isCompiled(rec: CRecordDecl): boolean {
    return this.compiled(rec.range.start, rec).state !== 'inactive';
  }

  /** The `#pragma pack(N)` in force where the record starts; bitfields under one are not modelled. */
  private packOf(rec: CRecordDecl): number | undefined {
    if (!this.scope.some(hasPackPragmas)) return undefined;
    const owner = this.ownerOf(rec);
    const pack = this.preprocessed.packAt(owner, rec.range.start);
    if (pack === 'unknown') throw new Unresolved(`${recordName(rec)} is under a #pragma pack set in a condition that cannot be decided`);
    if (pack !== undefined && rec.fields.some((f) => f.bitWidth !== undefined)) throw new Unresolved(`${recordName(rec)} has bitfields under #pragma pack(${pack}), which this tool does not lay out`);
    return pack;
  }

  /** `} __packed;`: what the names after the body mean with the unit's macros (c-macros.ts). */
  private attributeMacros(rec: CRecordDecl): { packed: boolean; aligned?: number } {
    return rec.attributeMacros ? expandAttributeMacros(recordName(rec), rec.attributeMacros, this.preprocessed.macros) : { packed: false };
  }

  /** Any type's layout, or why it cannot be computed. */
  layoutOutcome(type: CTypeRef): LayoutOutcome<TypeLayout> {
    try {
      return { ok: true, value: this.typeLayout(type) };
    } catch (e) {
      if (e instanceof Unresolved) return { ok: false, reason: e.message };
      throw e;
    }
  }

  /** The members the preprocessor keeps: those under a false `#if` dropped; one under an undecidable `#if` stops the layout. */
  compiledFields(rec: CRecordDecl): CFieldDecl[] {
    return rec.fields.filter((f) => {
      const g = this.compiled(f.declRange.start, rec);
      if (g.state === 'unknown') throw new Unresolved(`member '${f.name ?? '(anonymous)'}' of ${recordName(rec)} depends on ${g.reason}`);
      return g.state === 'active';
    });
  }

  /** Names the conditions around the record's members read as undefined (0): `-D` would change the layout. */
  assumedUndefined(rec: CRecordDecl): string[] {
    const owner = this.ownerOf(rec);
    if (!hasConditionals(owner)) return [];
    const names = new Set<string>();
    for (const f of rec.fields) for (const n of this.preprocessed.at(owner, f.declRange.start).assumed) names.add(n);
    return [...names];
  }

  /** The pahole-style layout of one record, or why it cannot be computed from this file. */
  structLayout(rec: CRecordDecl): LayoutOutcome<StructLayout> {
    const own = this.compiled(rec.range.start, rec);
    if (own.state === 'inactive') return { ok: false, reason: `${recordName(rec)} is not compiled (it is under a false #if)` };
    if (own.state === 'unknown') {
      const btf = rec.name ? this.externalStruct(rec.tag, rec.name) : undefined;
      return btf ? { ok: true, value: btf } : { ok: false, reason: `${recordName(rec)} depends on ${own.reason}` };
    }
    try {
      const { layout, fields } = this.recordLayout(rec);
      const holes = gaps(layout.covered, layout.size).map(([a, b]) => ({ offset: a, size: b - a, trailing: b === layout.size && a > 0 }));
      const name = rec.name ? `${rec.tag} ${rec.name}` : rec.typedefName ?? `${rec.tag} (anonymous)`;
      return { ok: true, value: { name, language: 'c', size: layout.size, align: layout.align, fields, holes } };
    } catch (e) {
      if (!(e instanceof Unresolved)) throw e;
      const btf = rec.name ? this.externalStruct(rec.tag, rec.name) : undefined;
      return btf ? { ok: true, value: btf } : { ok: false, reason: e.message };
    }
  }

  /** A struct as the compiled object's BTF has it (members included), for one the source cannot lay out. */
  private externalStruct(tag: 'struct' | 'union', name: string): StructLayout | undefined {
    for (const b of this.model.btf ?? []) {
      const l = b.structLayout?.(tag, name);
      if (l) return l;
    }
    return undefined;
  }
}

/** The member's full type as C spells it without the name: `__u8[16]`, `struct sock *`. */
function declaredType(base: string, t: CTypeRef): string {
  if (t.kind === 'array') {
    let dims = '';
    let cur: CTypeRef = t;
    for (; cur.kind === 'array'; cur = cur.of) dims += `[${cur.lengthText}]`;
    return `${declaredType(base, cur)}${dims}`;
  }
  if (t.kind === 'pointer') return `${declaredType(base, t.to)} *`.replace('* *', '**');
  return base;
}
