import type { Node } from 'web-tree-sitter';
import type { Position } from './range';

/**
 * Whether every byte of a variable, padding included, holds a known value where it is used: `zeroed` (`= {}`,
 * `= {0}`, a memset of the whole object, `= (struct k){}`), `unwritten` (declared without one, a designated or
 * positional initialiser, a struct copy, a buffer reserved from a ring buffer or looked up in a heap map, whose bytes
 * are left from an earlier record), or `unknown` (a parameter, a pointer this file does not follow). `call`: the
 * value a function returned (a reserve wrapper, decided once the unit's functions are known).
 *
 * What clang does (clang 14 and later, -O2, BPF): `= {}` and `= {0}` store zeroes over the whole object; an
 * initialiser that names every member stores only the members, so the padding keeps what the stack held.
 */
export type WriteState =
  | { state: 'zeroed' | 'unwritten'; why: string; at?: Position; copyOf?: string }
  | { state: 'unknown'; why: string; at?: Position; param?: { fn: string; index: number }; filledBy?: { fn: string; index: number }; prior?: WriteState;
      aliasOf?: string }
  | { state: 'call'; callee: string; why: string; at?: Position };

const MEMSETS = new Set(['__builtin_memset', 'memset', '__builtin___memset_chk']);
/**
 * Helpers that return memory holding an earlier record's bytes: a ring buffer reservation (records of any type and
 * size went there before). A map value is not one of them: its bytes are what an update stored, or the zeroes an
 * array map starts with (a per-CPU heap's padding is never written, so it stays zero).
 */
const STALE_BUFFERS = new Set(['bpf_ringbuf_reserve']);
const MAP_VALUES = new Set(['bpf_map_lookup_elem', 'bpf_map_lookup_percpu_elem']);

/** Where a write is, as a Position (the fragment cache moves those when lines move above it). */
const where = (n: Node): Position => ({ line: n.startPosition.row, character: n.startPosition.column });

/** The variable an argument names: `&k` and `k` -> k (`deref`: written through `k`, a pointer), `*p`, anything else -> null. */
export function argumentVariable(arg: Node | undefined): { name: string; address: boolean } | null {
  if (!arg) return null;
  if (arg.type === 'identifier') return { name: arg.text, address: false };
  if (arg.type === 'pointer_expression' && arg.child(0)?.type === '&') {
    const v = arg.childForFieldName('argument');
    if (v?.type === 'identifier') return { name: v.text, address: true };
  }
  if (arg.type === 'cast_expression') return argumentVariable(arg.childForFieldName('value') ?? undefined);
  if (arg.type === 'parenthesized_expression') return argumentVariable(arg.namedChildren.find((c) => c !== null) ?? undefined);
  return null;
}

const calleeName = (call: Node) => call.childForFieldName('function')?.text ?? '';
const args = (call: Node) => call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];

/** How an initialiser or an assigned value leaves the object's bytes. */
export function classifyValue(value: Node): WriteState {
  switch (value.type) {
    case 'initializer_list': {
      const items = value.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (items.length === 0 || (items.length === 1 && /^0[uUlL]*$/.test(items[0].text))) return { state: 'zeroed', why: `initialised with ${value.text.replace(/\s+/g, '')}` };
      const designated = items.some((i) => i.type === 'initializer_pair');
      return { state: 'unwritten', why: `initialised with a ${designated ? 'designated' : 'member-by-member'} initialiser, which writes the members but not the padding` };
    }
    case 'compound_literal_expression': {
      const list = value.namedChildren.find((c) => c?.type === 'initializer_list');
      return list ? classifyValue(list) : { state: 'unknown', why: 'assigned a compound literal' };
    }
    case 'call_expression': {
      const callee = calleeName(value);
      if (STALE_BUFFERS.has(callee)) return { state: 'unwritten', why: `returned by ${callee}, whose memory still holds an earlier record's bytes` };
      if (MAP_VALUES.has(callee)) return { state: 'unknown', why: `a map value from ${callee}: its padding is what the map's writers stored` };
      return { state: 'call', callee, why: `returned by ${callee}()` };
    }
    case 'cast_expression':
    case 'parenthesized_expression': {
      const inner = value.childForFieldName('value') ?? value.namedChildren.filter((c) => c !== null).at(-1);
      return inner ? classifyValue(inner) : { state: 'unknown', why: 'assigned a value this tool does not follow' };
    }
    case 'identifier': // resolved to the source's state where it is copied (FunctionWrites.stateAt)
      return { state: 'unwritten', why: `a copy of ${value.text}, which carries that object's padding bytes`, copyOf: value.text };
    case 'pointer_expression': {
      const target = value.child(0)?.type === '&' ? value.childForFieldName('argument') : null;
      // `struct key *kp = &k;`: kp's bytes are k's, as they are where kp is used
      if (target?.type === 'identifier') return { state: 'unknown', why: `points to ${target.text}`, aliasOf: target.text };
      return { state: 'unknown', why: `a copy of ${value.text}: its padding is whatever that object holds` };
    }
    case 'field_expression':
    case 'subscript_expression':
      return { state: 'unknown', why: `a copy of ${value.text}: its padding is whatever that object holds` };
    default:
      return { state: 'unknown', why: 'assigned a value this tool does not follow' };
  }
}

/**
 * The whole-object writes to each variable of one function, in source order: declarations with their initialisers,
 * assignments, memsets. Member writes (`k.a = 1`) leave the padding as it was, so they are not recorded.
 */
export class FunctionWrites {
  private readonly history = new Map<string, { at: number; state: WriteState }[]>();
  private readonly params = new Map<string, number>();
  /** The function's name, for following a parameter to its callers. */
  readonly name: string | undefined;

  constructor(fn: Node) {
    const declarator = fn.childForFieldName('declarator');
    this.name = declarator?.descendantsOfType('identifier')[0]?.text;
    const list = declarator?.descendantsOfType('parameter_list')[0];
    list?.namedChildren.filter((p) => p?.type === 'parameter_declaration').forEach((p, i) => {
      const id = p?.descendantsOfType('identifier').at(-1);
      if (id) this.params.set(id.text, i);
    });
    const body = fn.childForFieldName('body');
    if (body) this.visit(body);
  }

  private note(name: string, at: number, state: WriteState): void {
    const h = this.history.get(name) ?? [];
    h.push({ at, state });
    this.history.set(name, h);
  }

  private visit(node: Node): void {
    switch (node.type) {
      case 'init_declarator': {
        const id = node.childForFieldName('declarator');
        const value = node.childForFieldName('value');
        const name = id?.descendantsOfType('identifier').at(-1)?.text;
        if (name && value) this.note(name, node.startIndex, { ...classifyValue(value), at: where(node) });
        break;
      }
      case 'declaration':
        for (const d of node.childrenForFieldName('declarator')) {
          if (d && d.type !== 'init_declarator') {
            const name = d.descendantsOfType('identifier').at(-1)?.text ?? (d.type === 'identifier' ? d.text : undefined);
            if (name) this.note(name, node.startIndex, { state: 'unwritten', why: 'declared without an initialiser and filled member by member', at: where(node) });
          }
        }
        break;
      case 'assignment_expression': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left?.type === 'identifier' && right && node.childForFieldName('operator')?.text === '=') {
          this.note(left.text, node.startIndex, { ...classifyValue(right), at: where(node) });
        }
        break;
      }
      case 'call_expression': {
        const a = args(node);
        const v = argumentVariable(a[0]);
        const callee = calleeName(node);
        if (MEMSETS.has(callee) && v && /^0[uUlL]*$/.test(a[1]?.text ?? '') && coversWhole(a[2], v.name)) {
          this.note(v.name, node.startIndex, { state: 'zeroed', why: `zeroed by ${callee}`, at: where(node) });
        } else if (/^\w+$/.test(callee) && !/^(?:bpf_|__builtin_)/.test(callee)) {
          // `make_key(&k, ...)`: the file's function may zero it (decided once the unit's functions are known)
          a.forEach((arg, index) => {
            const x = argumentVariable(arg);
            if (x?.address) this.note(x.name, node.startIndex, { state: 'unknown', why: `passed to ${callee}()`, at: where(node), filledBy: { fn: callee, index }, prior: this.stateAt(x.name, node.startIndex) });
          });
        }
        break;
      }
    }
    for (const c of node.namedChildren) if (c) this.visit(c);
  }

  /** How the function leaves what each parameter points to, where it writes it whole (`__builtin_memset(out, 0, ...)`). */
  paramStates(end: number): { index: number; init: WriteState }[] {
    return [...this.params].filter(([name]) => this.history.has(name)).map(([name, index]) => ({ index, init: this.stateAt(name, end) }));
  }

  /** The state of `name`'s bytes at offset `at`: the last whole-object write before it. */
  stateAt(name: string, at: number, depth = 0): WriteState {
    const before = (this.history.get(name) ?? []).filter((h) => h.at < at);
    const last = before.at(-1);
    if (last) {
      // `struct k key; ... memset(&key, 0, ...)`: the declaration's "unwritten" is overtaken by the memset. A copy of
      // another variable has its bytes, padding included (clang copies the whole object): zeroed if that one was
      const alias = last.state.state === 'unknown' ? last.state.aliasOf : undefined;
      if (alias && alias !== name && depth < 8) return this.stateAt(alias, at, depth + 1);
      const copied = last.state.state === 'unwritten' ? last.state.copyOf : undefined;
      if (copied && copied !== name && depth < 8) {
        const source = this.stateAt(copied, last.at, depth + 1);
        if (source.state === 'zeroed') return { state: 'zeroed', why: `a copy of ${copied}, which was ${source.why}`, at: last.state.at };
        if (source.state !== 'unwritten') return { state: 'unknown', why: `a copy of ${copied} (${source.why})`, at: last.state.at };
      }
      return last.state;
    }
    const index = this.params.get(name);
    if (index !== undefined) {
      return { state: 'unknown', why: `'${name}' is a parameter: its bytes are filled by the caller`, ...(this.name ? { param: { fn: this.name, index } } : {}) };
    }
    return { state: 'unknown', why: `'${name}' is not declared in this function` };
  }
}

/** `sizeof(k)`, `sizeof(*p)`, `sizeof k`, or a `sizeof(struct ...)` / `sizeof(type)`: the memset covers the object. */
function coversWhole(size: Node | undefined, name: string): boolean {
  if (!size || size.type !== 'sizeof_expression') return false;
  const t = size.text.replace(/\s+/g, '');
  return t === `sizeof(${name})` || t === `sizeof(*${name})` || t === `sizeof${name}` || t === `sizeof*${name}` || size.childForFieldName('type') !== null;
}

/**
 * A function that hands out a buffer for an event, as libbpf-tools' compat.bpf.h `reserve_buf(size)` does: it
 * returns bpf_ringbuf_reserve(...) or a per-CPU heap's bpf_map_lookup_elem(...). Its result holds old bytes.
 */
export function isReserveWrapper(fn: Node): boolean {
  const returns = fn.childForFieldName('body')?.descendantsOfType('return_statement') ?? [];
  let reserves = false;
  for (const r of returns) {
    const value = r?.namedChildren.find((c) => c !== null);
    if (!value) continue;
    const inner = value.type === 'cast_expression' ? value.childForFieldName('value') : value;
    if (inner?.type === 'call_expression' && calleeName(inner) === 'bpf_ringbuf_reserve') reserves = true;
  }
  return reserves;
}
