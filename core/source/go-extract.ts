import type { Node } from 'web-tree-sitter';
import { evalConstText, toNumber } from './c-const-expr';
import type { GoFieldDecl, GoFileModel, GoTypeRef } from './go-model';
import { rangeOf } from './range';

/**
 * Extracts the model of one Go declaration (or a whole file) given the constants declared before it. The answers it
 * takes from them are recorded in `reads`, so a cached declaration is reused exactly when they are unchanged.
 */
export class GoExtractor {
  readonly model: GoFileModel;
  /** `c:NAME` -> the constant's value then. */
  readonly reads = new Map<string, string>();

  constructor(source: string, private readonly context = new Map<string, number>()) {
    this.model = { source, pkg: '', imports: [], importAnchor: { style: 'none', at: { line: 0, character: 0 } }, structs: [], defined: new Map(), constants: new Map() };
  }

  /** An array length or a constant's value: an integer constant expression (`16`, `1 << 4`, `N * 2`, `0o17`, `1_000`). */
  length(text: string, iota?: number): number | null {
    const goLiterals = text.replace(/(\d)_(?=[\da-fA-F])/g, '$1').replace(/\b0[oO]([0-7])/g, '0$1');
    const v = evalConstText(goLiterals, (name) => {
      if (name === 'iota' && iota !== undefined) return BigInt(iota);
      const own = this.model.constants.get(name);
      if (own !== undefined) return BigInt(own);
      const c = this.context.get(name);
      this.reads.set(`c:${name}`, String(c));
      return c === undefined ? null : BigInt(c);
    });
    return v === null ? null : toNumber(v);
  }

  type(node: Node): GoTypeRef {
    switch (node.type) {
      case 'type_identifier': return { kind: 'named', name: node.text };
      case 'qualified_type': return { kind: 'named', pkg: node.childForFieldName('package')?.text, name: node.childForFieldName('name')?.text ?? node.text };
      case 'pointer_type': return { kind: 'pointer' };
      case 'slice_type': return { kind: 'slice' };
      case 'map_type': return { kind: 'map' };
      case 'channel_type': return { kind: 'chan' };
      case 'function_type': return { kind: 'func' };
      case 'interface_type': return { kind: 'interface' };
      case 'array_type': {
        const len = node.childForFieldName('length')?.text ?? '';
        const el = node.childForFieldName('element');
        return { kind: 'array', of: el ? this.type(el) : { kind: 'named', name: '?' }, length: this.length(len), lengthText: len };
      }
      case 'struct_type': return { kind: 'struct', fields: this.fields(node) };
      case 'parenthesized_type': return node.namedChildren[0] ? this.type(node.namedChildren[0]) : { kind: 'named', name: '?' };
      default: return { kind: 'named', name: node.text }; // generics and the like: unknown to the layout engine
    }
  }

  fields(structType: Node): GoFieldDecl[] {
    const list = structType.namedChildren.find((c) => c?.type === 'field_declaration_list');
    const out: GoFieldDecl[] = [];
    for (const fd of list?.namedChildren ?? []) {
      if (!fd || fd.type !== 'field_declaration') continue;
      const typeNode = fd.childForFieldName('type');
      if (!typeNode) continue;
      const type = this.type(typeNode);
      const names = fd.childrenForFieldName('name').filter((n): n is Node => n !== null);
      if (names.length === 0) { // embedded: `Inner`, `*Inner`, `pkg.Type`
        const name = typeNode.text.replace(/^\*/, '').split('.').pop() ?? typeNode.text;
        out.push({ name, embedded: true, type, typeText: typeNode.text, range: rangeOf(fd), typeRange: rangeOf(typeNode), declRange: rangeOf(fd) });
      }
      for (const n of names) out.push({ name: n.text, embedded: false, type, typeText: typeNode.text, range: rangeOf(n), typeRange: rangeOf(typeNode), declRange: rangeOf(fd) });
    }
    return out;
  }

  walk(node: Node): void {
    if (node.type === 'package_clause') {
      this.model.pkg = node.namedChildren.find((c) => c?.type === 'package_identifier')?.text ?? '';
      this.model.importAnchor = { style: 'none', at: rangeOf(node).end };
    }
    if (node.type === 'import_declaration') {
      const group = node.namedChildren.find((c) => c?.type === 'import_spec_list');
      const paren = group?.children.find((c) => c?.type === '(');
      if (this.model.importAnchor.style !== 'group') {
        this.model.importAnchor = paren ? { style: 'group', at: rangeOf(paren).end } : { style: 'single', at: rangeOf(node).end };
      }
      for (const spec of node.descendantsOfType('import_spec')) {
        const p = spec?.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '');
        const alias = spec?.childForFieldName('name')?.text;
        if (p) this.model.imports.push({ path: p, name: alias ?? p.split('/').pop()! });
      }
      return;
    }
    if (node.type === 'const_declaration') {
      // in a group, iota is the spec's index, and a spec without a value repeats the one before it
      let iota = 0;
      let last: string | undefined;
      for (const spec of node.namedChildren) {
        if (spec?.type !== 'const_spec') continue;
        const names = spec.childrenForFieldName('name').filter((n): n is NonNullable<typeof n> => n?.type === 'identifier');
        const value = spec.childForFieldName('value')?.text ?? last;
        last = value;
        names.forEach((name, i) => {
          const expr = value?.split(',')[i]?.trim(); // `A, B = 1, 2`
          const n = expr !== undefined ? this.length(expr, iota) : null;
          if (n !== null) this.model.constants.set(name.text, n);
        });
        iota++;
      }
      return;
    }
    if (node.type === 'type_alias') { // `type Key = bpfKey`: the same type under another name
      const name = node.childForFieldName('name');
      const typeNode = node.childForFieldName('type');
      if (name && typeNode) {
        this.model.defined.set(name.text, this.type(typeNode));
        if (typeNode.type === 'type_identifier') (this.model.aliases ??= new Map()).set(name.text, typeNode.text);
      }
      return;
    }
    if (node.type === 'type_spec') {
      const name = node.childForFieldName('name');
      const typeNode = node.childForFieldName('type');
      if (name && typeNode) {
        if (typeNode.type === 'struct_type') {
          const list = typeNode.namedChildren.find((c) => c?.type === 'field_declaration_list');
          this.model.structs.push({ name: name.text, fields: this.fields(typeNode), nameRange: rangeOf(name), range: rangeOf(node),
            bodyStart: rangeOf(list?.child(0) ?? typeNode) });
        } else {
          this.model.defined.set(name.text, this.type(typeNode));
        }
      }
      return;
    }
    for (const c of node.namedChildren) if (c) this.walk(c);
  }
}
