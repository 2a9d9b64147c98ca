import type { GoFileModel, GoStructDecl } from './go-model';
import type { GoBinding, GoExpr } from './go-usage';

export const CILIUM = 'github.com/cilium/ebpf';
const RINGBUF = `${CILIUM}/ringbuf`;
const PERF = `${CILIUM}/perf`;

/**
 * A type as far as the usage rules need it: a prefix of `*`, `[]` (arrays count as `[]`) and `chan ` (any direction),
 * then a named type by its package's import path ('' for this package and the predeclared types).
 */
export interface GoRType { prefix: string; pkg: string; name: string }

const named = (pkg: string, name: string, prefix = ''): GoRType => ({ prefix, pkg, name });

/** Results of the cilium/ebpf functions and methods that make maps, iterators, readers and records. */
const FUNCS: Record<string, GoRType[]> = {
  [`${CILIUM}.NewMap`]: [named(CILIUM, 'Map', '*')], [`${CILIUM}.NewMapWithOptions`]: [named(CILIUM, 'Map', '*')],
  [`${CILIUM}.LoadPinnedMap`]: [named(CILIUM, 'Map', '*')], [`${CILIUM}.NewMapFromFD`]: [named(CILIUM, 'Map', '*')],
  [`${CILIUM}.NewMapFromID`]: [named(CILIUM, 'Map', '*')], [`${CILIUM}.NewCollection`]: [named(CILIUM, 'Collection', '*')],
  [`${CILIUM}.NewCollectionWithOptions`]: [named(CILIUM, 'Collection', '*')], [`${CILIUM}.LoadCollection`]: [named(CILIUM, 'Collection', '*')],
  [`${RINGBUF}.NewReader`]: [named(RINGBUF, 'Reader', '*')], [`${PERF}.NewReader`]: [named(PERF, 'Reader', '*')],
  [`${PERF}.NewReaderWithOptions`]: [named(PERF, 'Reader', '*')],
};
const METHODS: Record<string, GoRType> = {
  [`${CILIUM}.Map.Iterate`]: named(CILIUM, 'MapIterator', '*'), [`${CILIUM}.Map.Clone`]: named(CILIUM, 'Map', '*'),
  [`${RINGBUF}.Reader.Read`]: named(RINGBUF, 'Record'), [`${PERF}.Reader.Read`]: named(PERF, 'Record'),
};
/** Fields of cilium/ebpf types that hold maps: `coll.Maps["events"]`. */
const FIELDS: Record<string, GoRType> = {
  [`${CILIUM}.Collection.Maps`]: named(CILIUM, 'Map', '[]*'), [`${CILIUM}.Collection.Variables`]: named(CILIUM, 'Variable', '[]*'),
};

const PREDECLARED = new Set(['bool', 'byte', 'rune', 'string', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16',
  'uint32', 'uint64', 'uintptr', 'float32', 'float64', 'complex64', 'complex128', 'error', 'any']);

/** The package's declarations that types depend on, across its files. */
export class GoPackageIndex {
  readonly structs = new Map<string, { decl: GoStructDecl; file: GoFileModel }>();
  private readonly defined = new Set<string>();
  private readonly aliases = new Map<string, string>();
  private readonly globals = new Map<string, { bound: GoBinding; file: GoFileModel }>();
  private readonly funcs = new Map<string, { results: string[]; file: GoFileModel }>();
  private readonly methods = new Map<string, { results: string[]; file: GoFileModel }>();
  private readonly imports = new Map<GoFileModel, Map<string, string>>();

  constructor(readonly files: GoFileModel[]) {
    for (const file of files) {
      for (const s of file.structs) if (!this.structs.has(s.name)) this.structs.set(s.name, { decl: s, file });
      for (const d of file.defined.keys()) this.defined.add(d);
      for (const [a, t] of file.aliases ?? []) this.aliases.set(a, t);
      for (const f of file.facts ?? []) {
        for (const g of f.globals) if (!this.globals.has(g.name)) this.globals.set(g.name, { bound: g.bound, file });
        for (const fn of f.funcs) this.funcs.set(fn.name, { results: fn.results, file });
        for (const m of f.methods) this.methods.set(`${m.recv}.${m.name}`, { results: m.results, file });
      }
    }
  }

  /** The file's imports: the name it uses → the import path. */
  importsOf(file: GoFileModel): Map<string, string> {
    let m = this.imports.get(file);
    if (!m) {
      m = new Map(file.imports.filter((i) => i.name !== '_' && i.name !== '.').map((i) => [i.name, i.path]));
      this.imports.set(file, m);
    }
    return m;
  }

  hasMethod(type: string, name: string): boolean {
    return this.methods.has(`${type}.${name}`);
  }

  isType(name: string): boolean {
    return this.structs.has(name) || this.defined.has(name) || PREDECLARED.has(name);
  }

  /** A type as written in `file`, or null when it is not one the rules follow (functions, generics). */
  parse(text: string, file: GoFileModel): GoRType | null {
    let t = text.trim();
    let prefix = '';
    for (;;) {
      if (t.startsWith('*')) { prefix += '*'; t = t.slice(1).trim(); continue; }
      const arr = /^\[[^\]]*\]/.exec(t);
      if (arr) { prefix += '[]'; t = t.slice(arr[0].length).trim(); continue; }
      if (t.startsWith('...')) { prefix += '[]'; t = t.slice(3); continue; }
      const chan = /^(?:<-\s*)?chan\b\s*(?:<-)?/.exec(t); // receiving gives the element: `<-ch` strips it (recv)
      if (chan) { prefix += 'chan '; t = t.slice(chan[0].length).trim(); continue; }
      const map = /^map\[/.exec(t);
      if (map) { // indexing a map gives its value type: `maps map[string]*ebpf.Map`
        let depth = 0;
        let i = 3;
        for (; i < t.length; i++) {
          if (t[i] === '[') depth++;
          else if (t[i] === ']' && --depth === 0) break;
        }
        prefix += '[]';
        t = t.slice(i + 1).trim();
        continue;
      }
      break;
    }
    const q = /^(\w+)\.(\w+)$/.exec(t);
    if (q) {
      const path = this.importsOf(file).get(q[1]);
      return path ? named(path, q[2], prefix) : null;
    }
    if (!/^\w+$/.test(t)) return null;
    for (let i = 0; i < 4 && this.aliases.has(t); i++) t = this.aliases.get(t)!; // `type Key = bpfKey`
    return named('', t, prefix);
  }

  /** The package an import path names, from the packages resolved for the files (go-packages.ts), or null. */
  private foreign(importPath: string): GoPackageIndex | null {
    if (!this.foreigners.has(importPath)) {
      let found: GoPackageIndex | null = null;
      for (const file of this.files) {
        for (const [name, files] of file.packages ?? []) {
          if (this.importsOf(file).get(name) === importPath && files.length > 0) found = new GoPackageIndex(files);
        }
        if (found) break;
      }
      this.foreigners.set(importPath, found);
    }
    return this.foreigners.get(importPath)!;
  }

  private readonly foreigners = new Map<string, GoPackageIndex | null>();

  /** The type of a struct's field, promoted through embedded structs (of this package, or of a resolved one). */
  field(type: GoRType, name: string, depth = 0): GoRType | null {
    if (type.prefix !== '' && type.prefix !== '*') return null;
    const special = FIELDS[`${type.pkg}.${type.name}.${name}`];
    if (special) return special;
    if (depth > 4) return null;
    if (type.pkg !== '') {
      // `probe.Objects{}.Events`: the other package's field, its own types qualified by its path
      const t = this.foreign(type.pkg)?.field({ ...type, pkg: '' }, name, depth + 1);
      return t && t.pkg === '' && !PREDECLARED.has(t.name) ? { ...t, pkg: type.pkg } : t ?? null;
    }
    const s = this.structs.get(type.name);
    if (!s) return null;
    const own = s.decl.fields.find((f) => f.name === name);
    if (own) return this.parse(own.typeText, s.file);
    for (const f of s.decl.fields.filter((x) => x.embedded)) {
      const t = this.parse(f.typeText, s.file);
      const found = t && this.field(t, name, depth + 1);
      if (found) return found;
    }
    return null;
  }

  /** The type an expression has in `file`, or null when it cannot be told. */
  typeOf(e: GoExpr, file: GoFileModel, depth = 0): GoRType | null {
    if (depth > 16) return null;
    const next = (x: GoExpr, f = file) => this.typeOf(x, f, depth + 1);
    switch (e.k) {
      case 'id': {
        if (e.bound) return this.bindingType(e.bound, file, depth + 1);
        const g = this.globals.get(e.name);
        return g ? this.bindingType(g.bound, g.file, depth + 1) : null;
      }
      case 'sel': {
        const of = next(e.of);
        return of ? this.field(of, e.name) : null;
      }
      case 'addr': { const t = next(e.of); return t ? { ...t, prefix: `*${t.prefix}` } : null; }
      case 'deref': { const t = next(e.of); return t?.prefix.startsWith('*') ? { ...t, prefix: t.prefix.slice(1) } : null; }
      case 'index': {
        const t = next(e.of);
        const p = t?.prefix.replace(/^\*(?=\[\])/, ''); // indexing a pointer to an array
        return t && p!.startsWith('[]') ? { ...t, prefix: p!.slice(2) } : null;
      }
      case 'slice': { const t = next(e.of); return t ? { ...t, prefix: t.prefix.replace(/^\*(?=\[\])/, '') } : null; }
      case 'recv': { const t = next(e.of); return t?.prefix.startsWith('chan ') ? { ...t, prefix: t.prefix.slice(5) } : null; }
      case 'lit': case 'typed': case 'type': return this.parse(e.type, file);
      case 'call': return this.callType(e, file, 0, depth + 1);
      default: return null;
    }
  }

  private bindingType(b: GoBinding, file: GoFileModel, depth: number): GoRType | null {
    if ('type' in b) return this.parse(b.type, file);
    if ('range' in b) {
      const t = this.typeOf(b.range, file, depth);
      return b.index === 1 && t?.prefix.startsWith('[]') ? { ...t, prefix: t.prefix.slice(2) } : null;
    }
    return b.value.k === 'call' ? this.callType(b.value, file, b.index, depth) : b.index === 0 ? this.typeOf(b.value, file, depth) : null;
  }

  /** The `index`th result of a call, or the type of a conversion. */
  private callType(e: Extract<GoExpr, { k: 'call' }>, file: GoFileModel, index: number, depth: number): GoRType | null {
    const fn = e.fn;
    if (fn.k === 'id' && !fn.bound) {
      if (fn.name === 'new') return index === 0 && e.args[0] ? this.asType(e.args[0], file, '*') : null;
      if (fn.name === 'make') return index === 0 && e.args[0] ? this.asType(e.args[0], file, '') : null;
      if (this.isType(fn.name)) return index === 0 ? named('', fn.name) : null;
      const local = this.funcs.get(fn.name);
      const r = local?.results[index];
      return r ? this.parse(r, local.file) : null;
    }
    if (fn.k === 'type' || fn.k === 'deref') return index === 0 ? this.asType(fn, file, '') : null; // `(*T)(p)`
    if (fn.k === 'sel') {
      if (fn.of.k === 'id' && !fn.of.bound && !this.globals.has(fn.of.name)) { // `pkg.Func(...)`
        const path = this.importsOf(file).get(fn.of.name);
        if (path === 'unsafe' && fn.name === 'Pointer') return e.args[0] ? this.typeOf(e.args[0], file, depth) : null;
        return index === 0 && path ? FUNCS[`${path}.${fn.name}`]?.[0] ?? null : null;
      }
      const recv = this.typeOf(fn.of, file, depth);
      if (!recv || recv.prefix.replace('*', '') !== '') return null;
      const own = recv.pkg === '' ? this.methods.get(`${recv.name}.${fn.name}`) : undefined; // `t.eventsMap()`
      if (own) return own.results[index] ? this.parse(own.results[index], own.file) : null;
      return index === 0 ? METHODS[`${recv.pkg}.${recv.name}.${fn.name}`] ?? null : null;
    }
    return null;
  }

  /** An expression that names a type: a `make`/`new` argument, a conversion's `(*T)`. */
  private asType(e: GoExpr, file: GoFileModel, prefix: string): GoRType | null {
    if (e.k === 'type') { const t = this.parse(e.type, file); return t ? { ...t, prefix: prefix + t.prefix } : null; }
    if (e.k === 'id' && !e.bound) return named('', e.name, prefix);
    if (e.k === 'deref') return this.asType(e.of, file, `${prefix}*`);
    if (e.k === 'sel' && e.of.k === 'id' && !e.of.bound) {
      const path = this.importsOf(file).get(e.of.name);
      return path ? named(path, e.name, prefix) : null;
    }
    return null;
  }
}
