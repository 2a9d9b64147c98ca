import type { Node } from 'web-tree-sitter';
import { BPF_SCALARS, canonicalScalar } from '../layout/c-primitives';
import { evalConstExpr, evalConstText, toNumber } from './c-const-expr';
import { readEnum } from './c-enum';
import { readMapBody } from './c-map-decl';
import type { CEnumDecl, CFieldDecl, CFileModel, CRecordDecl, CTypeRef } from './c-model';
import { readCallSite, type FunctionScope } from './c-call-sites';
import { FunctionWrites, isReserveWrapper } from './c-struct-writes';
import { attributeMacrosIn, attributeValues, firstError, PREPROC_GROUPS, specifierText, typeText } from './c-syntax';
import { parseTypeText, typeKey } from './c-type-text';
import { rangeOf } from './range';

/** Normalise `unsigned`, `long int`, `short unsigned int`, `char signed`... to the spelling the primitive table uses. */
function sizedTypeName(node: Node): string {
  return canonicalScalar(node.text.split(/\s+/));
}

/** What the declarations before a fragment define: the constants, typedefs and global variables it may read. */
export interface ExtractionContext {
  constants: Map<string, number>;
  typedefs: Map<string, CTypeRef>;
  globals: Map<string, CTypeRef>;
}

/**
 * Extracts the model of one fragment of a file (a top-level declaration, or the whole file) given what the code
 * before it defines. Every answer it takes from that context is recorded in `reads`, so a cached fragment can be
 * reused exactly when those answers are unchanged.
 */
export class Extractor {
  readonly model: CFileModel;
  /** Global variables this fragment declares. */
  readonly globals = new Map<string, CTypeRef>();
  /** `c:NAME`, `t:NAME`, `v:NAME` -> the answer the context gave. */
  readonly reads = new Map<string, string>();
  /** Parameters and locals of the function being walked, for `sizeof(*e)` and `&e` in output helper calls. */
  private locals: Map<string, CTypeRef> | null = null;

  constructor(source: string, private readonly context: ExtractionContext = { constants: new Map(), typedefs: new Map(), globals: new Map() }) {
    this.model = { source, events: [], records: [], typedefs: new Map(), enums: new Map(), constants: new Map(), maps: [], includes: [] };
  }

  private lookupConstant(name: string): number | undefined {
    const own = this.model.constants.get(name);
    if (own !== undefined) return own;
    const v = this.context.constants.get(name);
    this.reads.set(`c:${name}`, String(v));
    return v;
  }

  private hasTypedef(name: string): boolean {
    if (this.model.typedefs.has(name)) return true;
    const has = this.context.typedefs.has(name);
    this.reads.set(`t:${name}`, String(has));
    return has;
  }

  private lookupVar(name: string): CTypeRef | undefined {
    const own = this.locals?.get(name) ?? this.globals.get(name);
    if (own) return own;
    const v = this.context.globals.get(name);
    this.reads.set(`v:${name}`, typeKey(v));
    return v;
  }

  typeOfSpecifier(node: Node, displayName?: string): CTypeRef {
    switch (node.type) {
      case 'primitive_type':
      case 'type_identifier':
        return { kind: 'named', name: node.text };
      case 'sized_type_specifier':
        return { kind: 'named', name: sizedTypeName(node) };
      case 'struct_specifier':
      case 'union_specifier': {
        const tag = node.type === 'struct_specifier' ? 'struct' : 'union';
        const name = node.childForFieldName('name')?.text ?? null;
        const body = node.childForFieldName('body');
        return { kind: 'record', tag, name, def: body ? this.record(node, displayName) : undefined };
      }
      case 'enum_specifier': {
        const name = node.childForFieldName('name')?.text ?? null;
        return { kind: 'enum', name, def: node.childForFieldName('body') ? this.enumDecl(node) : undefined };
      }
      default:
        return { kind: 'named', name: node.text }; // macro types and the like: unknown to the layout engine
    }
  }

  /** Apply a declarator chain (pointer, array, parenthesised) to a base type; returns the name and the type. */
  declare(decl: Node | null, base: CTypeRef): { name: string | null; type: CTypeRef } {
    let type = base;
    let node = decl;
    while (node) {
      switch (node.type) {
        case 'field_identifier':
        case 'identifier':
        case 'type_identifier':
          return { name: node.text, type };
        case 'pointer_declarator':
          type = { kind: 'pointer', to: type };
          node = node.childForFieldName('declarator');
          break;
        case 'array_declarator': {
          const size = node.childForFieldName('size');
          const lengthText = size?.text ?? '';
          // no size: a flexible array member, which occupies no bytes
          type = { kind: 'array', of: type, length: size ? this.constExpr(size) : 0, lengthText };
          node = node.childForFieldName('declarator');
          break;
        }
        case 'function_declarator':
          return { name: this.declare(node.childForFieldName('declarator'), type).name, type: { kind: 'pointer', to: type } };
        case 'parenthesized_declarator':
          node = node.namedChildren.find((c) => c !== null) ?? null;
          break;
        default:
          return { name: null, type };
      }
    }
    return { name: null, type };
  }

  /** A constant's value for the expression evaluators (c-const-expr.ts), which count in bigint. */
  private readonly constantValue = (name: string): bigint | null => {
    const c = this.lookupConstant(name);
    return c === undefined ? null : BigInt(c);
  };

  /** A `#define`'s value (text: tree-sitter does not parse it): an integer constant expression. */
  constant(text: string): number | null {
    // comments are part of the value's text
    const v = evalConstText(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''), this.constantValue);
    return v === null ? null : toNumber(v);
  }

  /** An array size or bitfield width: any integer constant expression of literals, constants and enumerators. */
  constExpr(node: Node): number | null {
    const v = evalConstExpr(node, this.constantValue);
    return v === null ? null : toNumber(v);
  }

  record(node: Node, displayName?: string): CRecordDecl {
    const tag = node.type === 'struct_specifier' ? 'struct' : 'union';
    const nameNode = node.childForFieldName('name');
    const attrs = attributeValues(node, (n) => this.constExpr(n));
    const fields: CFieldDecl[] = [];
    const body = node.childForFieldName('body');
    // members under `#if`/`#ifdef`/`#else` are all read: the layout engine decides which are compiled (c-preprocess.ts)
    const members = (container: Node) => {
      for (const fd of container.namedChildren) {
        if (fd && PREPROC_GROUPS.has(fd.type)) members(fd);
        else if (fd?.type === 'field_declaration') this.member(fd, fields);
      }
    };
    if (body) members(body);
    const broken = body?.hasError ? firstError(body) : null;
    const rec: CRecordDecl = {
      tag, name: nameNode?.text ?? null, fields, packed: attrs.packed, ...(attrs.aligned ? { alignAttr: attrs.aligned } : {}),
      nameRange: rangeOf(nameNode ?? node.child(0)!), range: rangeOf(node),
      ...(broken ? { unparsed: `line ${broken.startPosition.row + 1} of its body does not parse (${broken.isMissing ? `missing ${broken.type}` : `near '${broken.text.slice(0, 30)}'`}): a macro this tool does not expand, or a syntax error` } : {}),
    };
    if (displayName && !rec.name) rec.typedefName = displayName;
    // `} __packed;` / `} __aligned(8) name_t;`: blanked for parsing (c-macro-mask.ts), read here from the text as written
    const parent = node.parent;
    // up to the declarator (`name_t`), or to the `;` of `struct k { ... } __packed;` (tree-sitter has no declaration then)
    const semicolon = this.model.source.indexOf(';', node.endIndex);
    const upTo = parent && (parent.type === 'declaration' || parent.type === 'type_definition') ? parent.childForFieldName('declarator')?.startIndex ?? parent.endIndex
      : semicolon >= 0 && semicolon - node.endIndex < 200 ? semicolon : node.endIndex;
    const macros = attributeMacrosIn(this.model.source.slice(node.endIndex, upTo));
    if (macros.length > 0) rec.attributeMacros = macros;
    this.model.records.push(rec);
    return rec;
  }

  /** One member declaration (`__u32 a, b : 3;`, an anonymous struct, an unnamed bitfield), appended to `fields`. */
  private member(fd: Node, fields: CFieldDecl[]): void {
    const typeNode = fd.childForFieldName('type');
    if (!typeNode) return;
    const base = this.typeOfSpecifier(typeNode);
    const typeText = specifierText(typeNode);
    const fattrs = attributeValues(fd, (n) => this.constExpr(n));
    const macros = attributeMacrosIn(this.model.source.slice(typeNode.endIndex, fd.endIndex));
    const extra = { ...(fattrs.aligned ? { alignAttr: fattrs.aligned } : {}), ...(fattrs.packed ? { packedAttr: true } : {}), ...(macros.length ? { attributeMacros: macros } : {}) };
    const declarators = fd.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
    const bitClauses = fd.text.includes(':') ? fd.children.filter((c): c is Node => c !== null && c.type === 'bitfield_clause') : [];
    if (declarators.length === 0) {
      // an anonymous struct/union member, or an unnamed bitfield; tree-sitter-c reads `unsigned long long : 0;`
      // as the type and an ERROR holding the width
      const width = bitClauses[0]?.namedChildren[0] ?? (fd.text.includes(':') ? fd.children.find((c) => c?.type === 'ERROR')?.namedChildren[0] : undefined);
      const bit = bitClauses[0] ?? width;
      fields.push({ name: null, type: base, typeText, range: rangeOf(fd), declRange: rangeOf(fd),
        ...(bit ? { bitWidth: (width ? this.constExpr(width) : null) ?? -1 } : {}), ...extra });
      return;
    }
    declarators.forEach((d, i) => {
      const declared = this.declare(d, base);
      const type = declared.type;
      const name = declared.name || null; // tree-sitter gives `__u32 : 3;` an empty declarator: an unnamed bitfield
      // bitfield clauses follow their declarator in order
      const bit = bitClauses.find((b) => b.startIndex >= d.endIndex && (declarators[i + 1] === undefined || b.endIndex <= declarators[i + 1].startIndex));
      const widthNode = bit?.namedChildren[0];
      const width = widthNode ? this.constExpr(widthNode) : undefined;
      fields.push({ name, type, typeText, range: rangeOf(d), declRange: rangeOf(fd), ...(bit ? { bitWidth: width ?? -1 } : {}), ...extra });
    });
  }

  /** An enum definition (c-enum.ts); its enumerators become constants of the file. */
  enumDecl(node: Node): CEnumDecl {
    // `enum __attribute__((packed)) e {` was masked for tree-sitter (c-macro-mask.ts): the original text still says so
    const original = this.model.source.slice(node.startIndex, node.endIndex);
    const packed = attributeValues(node, (n) => this.constExpr(n)).packed || /^enum\s+__attribute__\s*\(\(\s*(?:__packed__|packed)\b/.test(original);
    const { decl, enumerators } = readEnum(node, (n) => this.lookupConstant(n), packed);
    for (const [name, value] of enumerators) this.model.constants.set(name, value);
    if (decl.name) this.model.enums.set(decl.name, decl);
    return decl;
  }

  /** Record a BTF map definition (c-map-decl.ts); false when the anonymous struct is not one. */
  mapDecl(decl: Node, spec: Node): boolean {
    const body = spec.childForFieldName('body');
    const declarator = decl.childForFieldName('declarator');
    const name = declarator ? this.declare(declarator, { kind: 'named', name: 'map' }).name : null;
    if (!body || !name) return false;
    // the original text: the parsed one has its map member macros masked (c-macro-mask.ts)
    const text = this.model.source.slice(body.startIndex, body.endIndex);
    const map = readMapBody(text, body.startPosition, name, rangeOf(decl), (expr) => this.sizeofType(expr));
    if (map) this.model.maps.push(map);
    return map !== null;
  }

  /** The type a `sizeof(...)` names: `sizeof(struct k)`, `sizeof(key_t)`, `sizeof(*e)` or `sizeof(e)` for a variable. */
  sizeofType(expr: string): string | null {
    const m = /^sizeof\s*\(\s*([\s\S]+?)\s*\)?$/.exec(expr) ?? /^sizeof\s+(\*?\s*\w+)$/.exec(expr);
    if (!m) return null;
    const arg = m[1];
    const v = /^(\*?)\s*(\w+)$/.exec(arg);
    const known = v ? this.lookupVar(v[2]) : undefined;
    if (v && known) {
      const t = v[1] && known.kind === 'pointer' ? known.to : known;
      return typeText(t);
    }
    const t = parseTypeText(arg);
    if (t.kind === 'record' || (t.kind === 'named' && (BPF_SCALARS.has(t.name) || this.hasTypedef(t.name)))) return arg;
    return null;
  }

  /** Remember declared variables: `struct event *e = ...`, `struct key k = {}`. */
  variables(decl: Node, base: CTypeRef): void {
    for (const d of decl.childrenForFieldName('declarator')) {
      if (!d) continue;
      const { name, type } = this.declare(d.type === 'init_declarator' ? d.childForFieldName('declarator') : d, base);
      if (name) (this.locals ?? this.globals).set(name, type);
    }
  }

  /** The function being walked: how its variables' bytes are written (c-struct-writes.ts). */
  private writes: FunctionScope | null = null;

  /** A helper call: an event sent, a key or value handed to a map, a struct passed to the file's functions (c-call-sites.ts). */
  outputCall(call: Node): void {
    if (this.writes) readCallSite(call, { model: this.model, writes: this.writes, lookupVar: (n) => this.lookupVar(n), sizeofType: (e) => this.sizeofType(e) });
  }

  walk(node: Node): void {
    switch (node.type) {
      case 'preproc_include': {
        const p = node.childForFieldName('path');
        if (p) this.model.includes.push({ path: p.text.slice(1, -1), system: p.type === 'system_lib_string' });
        break;
      }
      case 'preproc_def': {
        const value = node.childForFieldName('value')?.text.trim();
        const name = node.childForFieldName('name')?.text;
        if (name && value) {
          const n = this.constant(value);
          if (n !== null) this.model.constants.set(name, n);
        }
        break;
      }
      case 'type_definition': {
        const typeNode = node.childForFieldName('type');
        if (!typeNode) break;
        const declarators = node.childrenForFieldName('declarator').filter((d): d is Node => d !== null);
        const firstName = declarators[0] ? this.declare(declarators[0], { kind: 'named', name: '' }).name ?? undefined : undefined;
        const base = this.typeOfSpecifier(typeNode, firstName);
        for (const d of declarators) {
          const { name, type } = this.declare(d, base);
          if (name) this.model.typedefs.set(name, type);
        }
        return; // the struct body (if any) was extracted by typeOfSpecifier
      }
      case 'function_definition': {
        const outer = this.locals;
        const outerWrites = this.writes;
        this.locals = new Map(outer ?? []); // parameters and locals shadow globals until the function ends
        const facts = new FunctionWrites(node);
        this.writes = { facts, end: node.endIndex };
        if (facts.name) for (const p of facts.paramStates(node.endIndex)) (this.model.paramWrites ??= []).push({ fn: facts.name, ...p });
        for (const c of node.namedChildren) if (c) this.walk(c);
        this.locals = outer;
        this.writes = outerWrites;
        const name = node.childForFieldName('declarator')?.descendantsOfType('identifier')[0]?.text;
        if (name && isReserveWrapper(node)) (this.model.reserveWrappers ??= []).push(name);
        return;
      }
      case 'parameter_declaration':
      case 'declaration': {
        const typeNode = node.childForFieldName('type');
        if (!typeNode) break;
        if (typeNode.type === 'struct_specifier' && node.type === 'declaration' && !typeNode.childForFieldName('name') && this.mapDecl(node, typeNode)) return;
        this.variables(node, this.typeOfSpecifier(typeNode)); // extracts an inline struct/union body too
        // initialisers may call output helpers: `struct event *e = bpf_ringbuf_reserve(...)`
        for (const d of node.childrenForFieldName('declarator')) if (d) this.walk(d);
        return;
      }
      case 'call_expression':
        this.outputCall(node);
        break;
      case 'struct_specifier':
      case 'union_specifier':
        if (node.childForFieldName('body')) {
          this.record(node);
          return; // nested definitions are reached through the fields
        }
        break;
      case 'enum_specifier':
        if (node.childForFieldName('body')) {
          this.enumDecl(node);
          return;
        }
        break;
    }
    for (const child of node.namedChildren) if (child) this.walk(child);
  }
}
