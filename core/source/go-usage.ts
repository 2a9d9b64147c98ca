import type { Node } from 'web-tree-sitter';
import { rangeOf, type Range } from './range';

/**
 * What one Go declaration does with values, collected before the package's types are known (so a declaration's facts
 * can be cached): the calls that may encode or decode a struct, with each receiver and argument as a small expression
 * tree whose identifiers are already bound to the declaration that is in scope where they are used (function, block,
 * closure: Go's lexical scopes). go-uses.ts types them once the package is known.
 */

/** An identifier's declaration, as far as its type can be told from it. */
export type GoBinding =
  | { type: string }                        // `var x T`, a parameter or receiver
  | { value: GoExpr; index: number }        // `x := e`, `a, b := f()` (index: which result)
  | { range: GoExpr; index: number };       // `for k, v := range e` (0: key/index, 1: value)

/** An expression, reduced to what its type depends on. */
export type GoExpr =
  | { k: 'id'; name: string; bound?: GoBinding }       // bound undefined: a package-level name (or unknown)
  | { k: 'sel'; of: GoExpr; name: string }
  | { k: 'addr' | 'deref' | 'index' | 'slice' | 'recv'; of: GoExpr }   // recv: `<-ch`
  | { k: 'lit' | 'typed' | 'type'; type: string }       // `T{...}`, `x.(T)`, a type argument (`make([]T, n)`)
  | { k: 'call'; fn: GoExpr; args: GoExpr[] }
  | { k: 'other' };

/** A call that may move a struct across the kernel boundary. */
export interface GoCallFact {
  /** `m.Lookup`, `binary.Read`, `iter.Next`. */
  call: string;
  method: string;
  recv: GoExpr;
  args: GoExpr[];
  /** Per argument: its bytes come from the kernel (a ring buffer or perf record's RawSample, Map.LookupBytes). */
  kernelBytes: boolean[];
  /** Per argument: the parameter of the enclosing function it holds (`func handle(b []byte)`), when it does. */
  params?: (GoParamRef | null)[];
  inLoop: boolean;
  range: Range;
}

/** A function's parameter: `handle#0`. */
export interface GoParamRef { fn: string; index: number }

export interface GoUsageFacts {
  /** Package-level `var` declarations. */
  globals: { name: string; bound: GoBinding }[];
  /** Functions' result types (`func newKey() (Key, error)` → ['Key', 'error']), for `k, err := newKey()`. */
  funcs: { name: string; results: string[] }[];
  /** Methods declared in the package: their receiver's base type and name (a wrapper's own Lookup is not the map's). */
  methods: { recv: string; name: string; results: string[] }[];
  calls: GoCallFact[];
  /** Calls of the package's functions (`handle(rec.RawSample)`) with kernel bytes: which arguments hold them. */
  kernelArgs: { fn: string; args: number[] }[];
}

/** Methods of cilium/ebpf's Map, MapIterator and Variable, and the codec functions, that take or fill a struct. */
const CALLS = new Set(['Lookup', 'LookupWithFlags', 'LookupAndDelete', 'LookupAndDeleteWithFlags', 'Update', 'Put', 'Delete',
  'BatchLookup', 'BatchLookupAndDelete', 'BatchUpdate', 'BatchDelete', 'NextKey', 'Next', 'Set', 'Get', 'Read', 'Write', 'Unmarshal']);
const SCOPES = new Set(['function_declaration', 'method_declaration', 'func_literal', 'block', 'for_statement', 'if_statement',
  'expression_switch_statement', 'type_switch_statement', 'select_statement', 'expression_case', 'type_case', 'default_case', 'communication_case']);
const KERNEL_BYTES = /\.RawSample\b|\.LookupBytes\s*\(/;

interface Scope { vars: Map<string, { bound: GoBinding; kernel: boolean; param?: GoParamRef }> }

class FactCollector {
  readonly facts: GoUsageFacts = { globals: [], funcs: [], methods: [], calls: [], kernelArgs: [] };
  private readonly scopes: Scope[] = [];

  private lookup(name: string) {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i].vars.get(name);
      if (v) return v;
    }
    return undefined;
  }

  private bind(name: string, bound: GoBinding, kernel = false, param?: GoParamRef) {
    if (name === '_') return;
    const top = this.scopes[this.scopes.length - 1];
    if (top) top.vars.set(name, { bound, kernel, ...(param ? { param } : {}) });
    else this.facts.globals.push({ name, bound });
  }

  /** The expression tree of a node; identifiers are bound to what is in scope now. */
  expr(n: Node | null | undefined, depth = 0): GoExpr {
    if (!n || depth > 24) return { k: 'other' };
    const child = (f: string) => n.childForFieldName(f);
    switch (n.type) {
      case 'identifier': return { k: 'id', name: n.text, ...(this.lookup(n.text) ? { bound: this.lookup(n.text)!.bound } : {}) };
      case 'type_identifier': case 'qualified_type': case 'pointer_type': case 'slice_type': case 'array_type':
      case 'map_type': case 'generic_type': case 'channel_type':
        return { k: 'type', type: n.text };
      case 'selector_expression': return { k: 'sel', of: this.expr(child('operand'), depth + 1), name: child('field')?.text ?? '' };
      case 'parenthesized_expression': return this.expr(n.namedChildren[0], depth + 1);
      case 'unary_expression': {
        const op = child('operator')?.text ?? n.child(0)?.text;
        const of = this.expr(child('operand'), depth + 1);
        return op === '&' ? { k: 'addr', of } : op === '*' ? { k: 'deref', of } : op === '<-' ? { k: 'recv', of } : { k: 'other' };
      }
      case 'index_expression': return { k: 'index', of: this.expr(child('operand'), depth + 1) };
      case 'slice_expression': return { k: 'slice', of: this.expr(child('operand'), depth + 1) };
      case 'composite_literal': return { k: 'lit', type: child('type')?.text ?? '' };
      case 'type_assertion_expression': return { k: 'typed', type: child('type')?.text ?? '' };
      case 'type_conversion_expression': return { k: 'call', fn: { k: 'type', type: child('type')?.text ?? '' }, args: [this.expr(child('operand'), depth + 1)] };
      case 'call_expression': {
        const args = (child('arguments')?.namedChildren ?? []).map((a) => this.expr(a, depth + 1));
        return { k: 'call', fn: this.expr(child('function'), depth + 1), args };
      }
      default: return { k: 'other' };
    }
  }

  /** Whether an expression's bytes come from the kernel: a record's RawSample, LookupBytes, or a variable holding them. */
  private kernel(n: Node | null | undefined): boolean {
    if (!n) return false;
    if (KERNEL_BYTES.test(n.text)) return true;
    return n.descendantsOfType('identifier').some((id) => id !== null && this.lookup(id.text)?.kernel === true);
  }

  /** The enclosing function's parameter an expression reads (`bytes.NewReader(b)` in `func handle(b []byte)`). */
  private paramOf(n: Node | null | undefined): GoParamRef | null {
    for (const id of n?.descendantsOfType('identifier') ?? []) {
      const p = id ? this.lookup(id.text)?.param : undefined;
      if (p) return p;
    }
    return n?.type === 'identifier' ? this.lookup(n.text)?.param ?? null : null;
  }

  private bindList(names: (Node | null)[], values: (Node | null)[], range = false) {
    const single = values.length === 1 && names.length > 1; // `a, b := f()`
    names.forEach((id, i) => {
      if (!id || id.type !== 'identifier') return;
      const v = single ? values[0] : values[i];
      if (!v) return;
      const e = this.expr(v);
      this.bind(id.text, range ? { range: e, index: i } : { value: e, index: single ? i : 0 }, this.kernel(v));
    });
  }

  private resultTypes(fn: Node): string[] {
    const result = fn.childForFieldName('result');
    if (!result) return [];
    if (result.type !== 'parameter_list') return [result.text];
    return result.namedChildren.flatMap((p) => {
      const t = p?.childForFieldName('type')?.text;
      const n = Math.max(1, p?.childrenForFieldName('name').length ?? 0);
      return t ? Array<string>(n).fill(t) : [];
    });
  }

  walk(n: Node, loops: number): void {
    const scoped = SCOPES.has(n.type);
    if (scoped) this.scopes.push({ vars: new Map() });
    try {
      this.visit(n, loops);
    } finally {
      if (scoped) this.scopes.pop();
    }
  }

  private children(n: Node, loops: number, skip?: Node | null) {
    for (const c of n.namedChildren) if (c && c.id !== skip?.id) this.walk(c, loops); // nodes are new objects each time: compare ids
  }

  private visit(n: Node, loops: number): void {
    switch (n.type) {
      case 'function_declaration': case 'method_declaration': {
        const name = n.childForFieldName('name')?.text;
        const recv = n.childForFieldName('receiver')?.namedChildren[0]?.childForFieldName('type')?.text.replace(/^\*/, '').replace(/\[.*$/, '');
        if (name && n.type === 'function_declaration') this.facts.funcs.push({ name, results: this.resultTypes(n) });
        if (name && recv) this.facts.methods.push({ recv, name, results: this.resultTypes(n) });
        // the parameters by position, so a decode of one of them learns what the callers pass (handle(rec.RawSample))
        const params = n.childForFieldName('parameters');
        let index = 0;
        for (const p of params?.namedChildren ?? []) {
          const t = p?.childForFieldName('type')?.text;
          const ids = p?.childrenForFieldName('name') ?? [];
          for (const id of ids) if (id && t && name) this.bind(id.text, { type: p!.type === 'variadic_parameter_declaration' ? `[]${t}` : t }, false, { fn: name, index: index++ });
          if (ids.length === 0) index++;
        }
        return this.children(n, 0, params);
      }
      case 'parameter_declaration': case 'variadic_parameter_declaration': {
        const t = n.childForFieldName('type')?.text;
        if (t) for (const id of n.childrenForFieldName('name')) if (id) this.bind(id.text, { type: n.type === 'variadic_parameter_declaration' ? `[]${t}` : t });
        return;
      }
      case 'var_spec': {
        const t = n.childForFieldName('type')?.text;
        const names = n.childrenForFieldName('name');
        const values = n.childForFieldName('value')?.namedChildren ?? [];
        for (const v of values) if (v) this.walk(v, loops);
        if (t) {
          for (const id of names) if (id) this.bind(id.text, { type: t });
        } else this.bindList(names, values);
        return;
      }
      case 'short_var_declaration': {
        const right = n.childForFieldName('right');
        if (right) this.walk(right, loops); // `x := f(x)`: the right side sees the outer x
        this.bindList(n.childForFieldName('left')?.namedChildren ?? [], right?.namedChildren ?? []);
        return;
      }
      case 'range_clause': {
        const right = n.childForFieldName('right');
        if (right) this.walk(right, loops);
        const e = right ?? null;
        this.bindList(n.childForFieldName('left')?.namedChildren ?? [], [e, e], true);
        return;
      }
      case 'type_switch_statement': return this.typeSwitch(n, loops);
      case 'receive_statement': { // `case v, ok := <-ch:` declares v (the element) and ok in the select's clause
        const right = n.childForFieldName('right');
        if (right) this.walk(right, loops);
        if (!n.children.some((c) => c?.type === ':=')) return; // `case v = <-ch:` assigns
        const [v, ok] = n.childForFieldName('left')?.namedChildren ?? [];
        if (v?.type === 'identifier') this.bind(v.text, { value: this.expr(right), index: 0 }, this.kernel(right));
        if (ok?.type === 'identifier') this.bind(ok.text, { type: 'bool' });
        return;
      }
      case 'for_statement': return this.children(n, loops + 1);
      case 'func_literal': return this.children(n, 0); // a closure's body runs when it is called, not per iteration
      case 'call_expression': {
        this.call(n, loops);
        return this.children(n, loops);
      }
      default: return this.children(n, loops);
    }
  }

  /**
   * `switch v := x.(type)`: each clause declares its own v, of the clause's type when it lists one type, else of x's
   * type (several types, default, `case nil`).
   */
  private typeSwitch(n: Node, loops: number) {
    const alias = n.childForFieldName('alias')?.namedChildren[0];
    const value = n.childForFieldName('value');
    for (const c of n.namedChildren) {
      if (!c || c.id === n.childForFieldName('alias')?.id) continue;
      if (!alias || alias.type !== 'identifier' || (c.type !== 'type_case' && c.type !== 'default_case')) {
        this.walk(c, loops);
        continue;
      }
      const types = c.childrenForFieldName('type').filter((t) => t !== null);
      this.scopes.push({ vars: new Map() });
      try {
        const one = types.length === 1 && types[0].text !== 'nil' ? types[0].text : undefined;
        this.bind(alias.text, one ? { type: one } : { value: this.expr(value), index: 0 }, this.kernel(value));
        this.children(c, loops);
      } finally {
        this.scopes.pop();
      }
    }
  }

  private call(n: Node, loops: number) {
    const fn = n.childForFieldName('function');
    const callee = fn?.type === 'identifier' ? fn.text : fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : undefined;
    const all = n.childForFieldName('arguments')?.namedChildren ?? [];
    const kernelArgs = all.flatMap((a, i) => (this.kernel(a) ? [i] : []));
    if (callee && kernelArgs.length > 0) this.facts.kernelArgs.push({ fn: callee, args: kernelArgs });
    if (fn?.type !== 'selector_expression') return;
    const method = fn.childForFieldName('field')?.text ?? '';
    if (!CALLS.has(method)) return;
    const recvNode = fn.childForFieldName('operand');
    const argNodes = n.childForFieldName('arguments')?.namedChildren ?? [];
    this.facts.calls.push({ call: `${recvNode?.text ?? ''}.${method}`, method, recv: this.expr(recvNode), args: argNodes.map((a) => this.expr(a)),
      kernelBytes: argNodes.map((a) => this.kernel(a)), params: argNodes.map((a) => this.paramOf(a)), inLoop: loops > 0, range: rangeOf(n) });
  }
}

/** Collect the bindings and calls of one top-level declaration (a function, a var block...). */
export function collectUsageFacts(node: Node): GoUsageFacts {
  const c = new FactCollector();
  c.walk(node, 0);
  return c.facts;
}

export { resolveUses, type GoCodecSite, type GoStructUse } from './go-uses';
