import type { Node } from 'web-tree-sitter';
import { field, kids, typeOf, unparen } from './node-cache';
import { parseIntegerLiteral } from '../../../source/c-const-expr';
import { callArgs } from './functions';
import { MemoryAccess } from './memory-access';
import { markWritten, type State, TOP, type Value } from './state';
import { fitToType, pointeeStruct } from './types';

export type { FlowContext } from './calls';

const op = (n: Node) => field(n, 'operator')?.type ?? '';

/**
 * Expressions, evaluated abstractly over one path's state (side effects applied to it in place). Anything the engine
 * does not model evaluates to TOP, and a tracked value that flows somewhere it cannot follow is forgotten.
 */
export abstract class ExprEval extends MemoryAccess {
  /** Split a state on a condition: the states where it holds and where it does not (null: no such path). */
  abstract cond(node: Node, s: State): [State | null, State | null];

  eval(node: Node, s: State): Value {
    const n = unparen(node);
    switch (typeOf(n)) {
      case 'number_literal': {
        const v = parseIntegerLiteral(n.text.replace(/[uUlL]+$/, ''));
        const x = v === null ? NaN : Number(v);
        return Number.isSafeInteger(x) ? { k: 'int', lo: x, hi: x } : TOP; // past 2^53 a double is not the value
      }
      case 'null': return { k: 'int', lo: 0, hi: 0 };
      case 'true': return { k: 'int', lo: 1, hi: 1 };
      case 'false': return { k: 'int', lo: 0, hi: 0 };
      case 'identifier': {
        if (n.text === 'NULL') return { k: 'int', lo: 0, hi: 0 };
        const c = this.cx.types.constant(n.text);
        if (c !== undefined && !this.declared.has(n.text)) return { k: 'int', lo: c, hi: c };
        if (s.stack.has(n.text) && this.declared.get(n.text)?.length !== undefined) return { k: 'addr', local: n.text, off: 0 }; // an array decays
        return s.get(n.text);
      }
      case 'sizeof_expression': return this.sizeOf(n);
      case 'call_expression': {
        const inner = ExprEval.transparent(n);
        return inner ? this.eval(inner, s) : this.call(n, s);
      }
      case 'field_expression': return this.field(n, s);
      case 'subscript_expression': return this.subscript(n, s);
      case 'pointer_expression': return this.pointer(n, s);
      case 'cast_expression': {
        const v = this.eval(field(n, 'value')!, s);
        const t = field(n, 'type')?.text ?? '';
        if (v.k === 'pkt') return { ...v, pointee: pointeeStruct(t) ?? (/\*/.test(t) ? undefined : v.pointee) };
        return v.k === 'ptr' || v.k === 'pktend' || v.k === 'ctx' || v.k === 'addr' || v.k === 'unb' || v.k === 'int' ? v : TOP;
      }
      case 'assignment_expression': return this.assign(n, s);
      case 'update_expression': {
        const arg = unparen(field(n, 'argument')!);
        const v = this.eval(arg, s);
        const delta = n.text.includes('++') ? 1 : -1;
        const next: Value = v.k === 'int' ? { k: 'int', lo: v.lo + delta, hi: v.hi + delta } : v.k === 'unb' ? v : TOP;
        this.store(arg, next, s);
        return n.text.startsWith('++') || n.text.startsWith('--') ? next : v;
      }
      case 'binary_expression': return this.binary(n, s);
      case 'unary_expression': {
        this.eval(field(n, 'argument')!, s);
        return TOP;
      }
      case 'conditional_expression': {
        const [t, f] = this.cond(field(n, 'condition')!, s);
        const a = t ? this.eval(field(n, 'consequence')!, t) : TOP;
        const b = f ? this.eval(field(n, 'alternative')!, f) : TOP;
        this.replace(s, t, f);
        return a.k === 'int' && b.k === 'int' ? { k: 'int', lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) } : TOP;
      }
      case 'comma_expression': {
        this.eval(field(n, 'left')!, s);
        return this.eval(field(n, 'right')!, s);
      }
      default:
        for (const c of kids(n)) if (c) this.escape(this.eval(c, s), s);
        return TOP;
    }
  }

  /** Replace `s` in place by the join of two branch states (a ternary, `&&` in value position). */
  protected abstract replace(s: State, a: State | null, b: State | null): void;

  private sizeOf(n: Node): Value {
    const type = field(n, 'type');
    let size: number | undefined;
    if (type) size = this.cx.types.sizeOf(type.text);
    else {
      const v = unparen(field(n, 'value')!);
      if (typeOf(v) === 'identifier') {
        const d = this.declared.get(v.text);
        size = d ? this.cx.types.sizeOf(d.text) : undefined;
        if (size !== undefined && d?.length !== undefined) size *= d.length;
      } else if (typeOf(v) === 'pointer_expression' && v.text.startsWith('*')) {
        const d = this.declared.get(unparen(field(v, 'argument')!).text);
        size = d && /\*\s*$/.test(d.text) ? this.cx.types.sizeOf(d.text.replace(/\*\s*$/, '')) : undefined;
      }
    }
    return size === undefined ? TOP : { k: 'int', lo: size, hi: size };
  }

  /** `likely(x)`, `unlikely(x)`, `__builtin_expect(x, v)`: the condition is their first argument. */
  protected static transparent(n: Node): Node | undefined {
    if (typeOf(n) !== 'call_expression' || !/^(?:likely|unlikely|__builtin_expect)$/.test(field(n, 'function')?.text ?? '')) return undefined;
    return callArgs(n)[0];
  }

  private binary(n: Node, s: State): Value {
    const o = op(n);
    if (o === '&&' || o === '||') {
      const [t, f] = this.cond(n, s);
      this.replace(s, t, f);
      return { k: 'int', lo: 0, hi: 1 };
    }
    const l = this.eval(field(n, 'left')!, s);
    const r = this.eval(field(n, 'right')!, s);
    if (['==', '!=', '<', '>', '<=', '>='].includes(o)) {
      this.escape(l, s);
      this.escape(r, s);
      return { k: 'int', lo: 0, hi: 1 };
    }
    if (l.k === 'pkt' && r.k === 'int' && r.lo === r.hi && (o === '+' || o === '-')) {
      const scale = l.pointee ? this.cx.types.sizeOf(`struct ${l.pointee}`) : 1;
      if (scale === undefined) return TOP;
      return { k: 'pkt', off: l.off + (o === '+' ? 1 : -1) * r.lo * scale };
    }
    if (l.k === 'int' && r.k === 'int' && l.lo === l.hi && r.lo === r.hi) {
      const v = fold(o, l.lo, r.lo);
      return v === undefined ? TOP : { k: 'int', lo: v, hi: v };
    }
    const mask = r.k === 'int' && r.lo === r.hi ? r.lo : l.k === 'int' && l.lo === l.hi ? l.lo : undefined;
    if (o === '&' && mask !== undefined && mask >= 0) return { k: 'int', lo: 0, hi: mask };
    if (o === '%' && r.k === 'int' && r.lo === r.hi && r.lo > 0) return { k: 'int', lo: 0, hi: r.lo - 1 };
    if ((o === '+' || o === '-' || o === '*') && (l.k === 'unb' || r.k === 'unb') && (l.k === 'int' || r.k === 'int' || l.k === r.k)) {
      return l.k === 'unb' ? l : r;
    }
    this.escape(l, s);
    this.escape(r, s);
    return TOP;
  }

  /** Store a value into an lvalue. */
  protected store(left: Node, v: Value, s: State): void {
    const l = unparen(left);
    if (v.k === 'addr') { // a pointer to tracked stack bytes kept in a variable: writes through it are not followed
      s.stack.delete(v.local);
      v = TOP;
    }
    if (typeOf(l) === 'identifier') {
      if (s.stack.has(l.text)) {
        const obj = s.stack.get(l.text)!;
        s.stack.set(l.text, markWritten(obj, 0, obj.size));
      }
      const declared = this.declared.get(l.text);
      s.vars.set(l.text, v.k === 'pkt' ? { ...v, pointee: pointeeStruct(declared?.text ?? '') } : declared?.length === undefined ? fitToType(v, declared?.text ?? '') : v);
      return;
    }
    this.escape(v, s); // into memory: no longer followed
    if (typeOf(l) === 'field_expression') {
      const holder = unparen(field(l, 'argument')!);
      if (typeOf(holder) === 'identifier' && s.stack.has(holder.text)) {
        const a = this.addressOf(l, s);
        const obj = s.stack.get(holder.text);
        if (obj) s.stack.set(holder.text, a.k === 'addr' ? markWritten(obj, a.off, a.off + (a.size ?? obj.size)) : markWritten(obj, 0, obj.size));
        return;
      }
    }
    if (typeOf(l) === 'subscript_expression') {
      const a = unparen(field(l, 'argument')!);
      if (typeOf(a) === 'identifier' && s.stack.has(a.text)) {
        const obj = s.stack.get(a.text)!;
        const i = this.eval(field(l, 'index')!, s);
        const elem = this.cx.types.sizeOf(this.declared.get(a.text)?.text ?? '') ?? obj.size;
        this.eval(l, s); // the index check
        const now = s.stack.get(a.text) ?? obj;
        s.stack.set(a.text, i.k === 'int' && i.lo === i.hi ? markWritten(now, i.lo * elem, (i.lo + 1) * elem) : markWritten(now, 0, now.size));
        return;
      }
    }
    this.eval(l, s);
    // any other write into a tracked local (`e.comm[0] = c`, `*(u32 *)&k = 0`): counted as writing all of it
    const root = rootLocal(l);
    const obj = root ? s.stack.get(root) : undefined;
    if (root && obj) s.stack.set(root, markWritten(obj, 0, obj.size));
  }

  private assign(n: Node, s: State): Value {
    const left = field(n, 'left')!;
    const right = field(n, 'right')!;
    const o = n.text.slice(left.endIndex - n.startIndex).trimStart().slice(0, 3);
    let v = this.eval(right, s);
    const r = unparen(right);
    if (v.k === 'unb' && typeOf(r) === 'identifier') { // a copy shares the verifier's bounds with the original: follow neither
      s.vars.delete(r.text);
      v = TOP;
    }
    if (!o.startsWith('=')) {
      const cur = unparen(left).type === 'identifier' ? s.get(unparen(left).text) : TOP;
      const o2 = o.replace(/=.*/, '');
      if (cur.k === 'int' && v.k === 'int' && cur.lo === cur.hi && v.lo === v.hi) {
        const x = fold(o2, cur.lo, v.lo);
        v = x === undefined ? TOP : { k: 'int', lo: x, hi: x };
      } else if (o2 === '&' && v.k === 'int' && v.lo === v.hi && v.lo >= 0) v = { k: 'int', lo: 0, hi: v.lo };
      else v = cur.k === 'unb' && (o2 === '+' || o2 === '-') ? cur : TOP;
    }
    this.store(left, v, s);
    return v;
  }

}

/** The local an lvalue writes into: `k` of `k.a.b[2]`, `*(u32 *)&k`. */
function rootLocal(n: Node): string | undefined {
  for (let c: Node | null = n; c; ) {
    if (typeOf(c) === 'identifier') return c.text;
    if (typeOf(c) === 'field_expression' || typeOf(c) === 'subscript_expression' || typeOf(c) === 'pointer_expression' || typeOf(c) === 'cast_expression') {
      c = field(c, 'argument') ?? field(c, 'value');
    } else if (typeOf(c) === 'parenthesized_expression') c = c.namedChild(0);
    else return undefined;
  }
  return undefined;
}

/**
 * A binary operator on two known integers, exactly (BigInt: JavaScript's `&`, `|`, `^`, `<<` work on 32 bits and would
 * turn `x & 0xffffffff` or `1ULL << 40` into a wrong value); undefined when the result is not a safe integer or C
 * leaves it undefined (a division by 0, a shift by a negative count or past 63).
 */
function fold(o: string, a: number, b: number): number | undefined {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  const shiftOk = b >= 0 && b < 64;
  let r: bigint;
  switch (o) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/': if (!b) return undefined; r = x / y; break; // BigInt division truncates toward 0, as C's does
    case '%': if (!b) return undefined; r = x % y; break;
    case '&': r = x & y; break;
    case '|': r = x | y; break;
    case '^': r = x ^ y; break;
    case '<<': if (!shiftOk) return undefined; r = x << y; break;
    case '>>': if (!shiftOk) return undefined; r = x >> y; break;
    default: return undefined;
  }
  const v = Number(r);
  return Number.isSafeInteger(v) ? v : undefined;
}
