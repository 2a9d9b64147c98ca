import type { Node } from 'web-tree-sitter';
import { ExprEval } from './eval';
import { field, typeOf, unparen } from './node-cache';
import { join, type State, TOP, type Value } from './state';

const isNull = (v: Value) => v.k === 'int' && v.lo === 0 && v.hi === 0;

/**
 * Branch conditions: a state split on a condition into the states where it holds and where it does not. A NULL
 * check splits a pointer's fact, a `data + n > data_end` check proves packet bytes on one side, a comparison ends a
 * scalar's being unbounded; `&&`, `||` and `!` combine the splits.
 */
export abstract class ConditionSplit extends ExprEval {
  cond(node: Node, s: State): [State | null, State | null] {
    const n = unparen(node);
    const inner = ExprEval.transparent(n);
    if (inner) return this.cond(inner, s);
    if (typeOf(n) === 'unary_expression' && field(n, 'operator')?.type === '!') {
      const [t, f] = this.cond(field(n, 'argument')!, s);
      return [f, t];
    }
    if (typeOf(n) === 'binary_expression') {
      const o = field(n, 'operator')?.type ?? '';
      const left = field(n, 'left')!;
      const right = field(n, 'right')!;
      if (o === '&&') {
        const [t1, f1] = this.cond(left, s);
        const [t2, f2] = t1 ? this.cond(right, t1) : [null, null];
        return [t2, join(f1, f2)];
      }
      if (o === '||') {
        const [t1, f1] = this.cond(left, s);
        const [t2, f2] = f1 ? this.cond(right, f1) : [null, null];
        return [join(t1, t2), f2];
      }
      if (['==', '!=', '<', '>', '<=', '>='].includes(o)) return this.compare(o, left, right, s);
    }
    if (typeOf(n) === 'assignment_expression') { // if ((p = lookup(...)) != NULL) / if (!(p = ...))
      this.eval(n, s);
      return this.truth(unparen(field(n, 'left')!), s);
    }
    if (typeOf(n) === 'identifier' || typeOf(n) === 'field_expression' || typeOf(n) === 'call_expression') {
      const v = typeOf(n) === 'identifier' ? s.get(n.text) : this.eval(n, s);
      if (typeOf(n) === 'identifier') return this.truth(n, s);
      if (v.k === 'ptr') return this.split(v.id, s, true);
      return [s, s.clone()];
    }
    this.eval(n, s);
    return [s, s.clone()];
  }

  /** `if (p)`: p non-NULL where true, NULL where false. */
  private truth(n: Node, s: State): [State | null, State | null] {
    const v = typeOf(n) === 'identifier' ? s.get(n.text) : TOP;
    if (v.k === 'ptr') return this.split(v.id, s, true);
    if (v.k === 'unb' || v.k === 'int') {
      const f = s.clone();
      f.vars.set(n.text, { k: 'int', lo: 0, hi: 0 });
      const t = s;
      if (v.k === 'unb') t.vars.set(n.text, { k: 'int', lo: -Infinity, hi: Infinity });
      // a known value decides the branch, as the verifier's is_branch_taken does: only the path it takes exists
      return [v.k === 'int' && v.lo === 0 && v.hi === 0 ? null : t, v.k === 'int' && (v.lo > 0 || v.hi < 0) ? null : f];
    }
    return [s, s.clone()];
  }

  /** Split on `p != NULL` (nonNullWhenTrue) or `p == NULL`. */
  private split(id: number, s: State, nonNullWhenTrue: boolean): [State | null, State | null] {
    const fact = s.ptrs.get(id);
    if (!fact) return [s, s.clone()];
    if (fact.param !== undefined) this.cx.paramChecked(fact.param);
    const nn = s;
    const nu = s.clone();
    nn.setPtr(id, { ...fact, nul: 'nonnull' });
    nu.setPtr(id, { ...fact, nul: 'null', refLive: false });
    const a = fact.nul === 'null' ? null : nn;
    const b = fact.nul === 'nonnull' ? null : nu;
    return nonNullWhenTrue ? [a, b] : [b, a];
  }

  private compare(o: string, left: Node, right: Node, s: State): [State | null, State | null] {
    const l = this.eval(left, s);
    const r = this.eval(right, s);
    if ((o === '==' || o === '!=') && (l.k === 'ptr' || r.k === 'ptr') && (isNull(l) || isNull(r))) {
      const id = l.k === 'ptr' ? l.id : (r as { id: number }).id;
      return this.split(id, s, o === '!=');
    }
    // packet: `data + n > data_end` proves n bytes where false; `data + n <= data_end` where true
    const pkt = l.k === 'pkt' && r.k === 'pktend' ? { off: l.off, flip: false } : r.k === 'pkt' && l.k === 'pktend' ? { off: r.off, flip: true } : undefined;
    if (pkt) {
      const f = s.clone();
      const ord = pkt.flip ? ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, string>)[o] ?? o : o;
      const prove = (st: State) => { st.pktRange = Math.max(st.pktRange, pkt.off); };
      if (ord === '>' || ord === '>=') prove(f);
      else if (ord === '<' || ord === '<=') prove(s);
      return [s, f];
    }
    const f = s.clone();
    for (const [side, v] of [[left, l], [right, r]] as const) {
      const name = unparen(side).type === 'identifier' ? unparen(side).text : undefined;
      if (name && v.k === 'unb') { // compared with anything: the engine no longer calls it unbounded
        s.vars.set(name, { k: 'int', lo: -Infinity, hi: Infinity });
        f.vars.set(name, { k: 'int', lo: -Infinity, hi: Infinity });
      }
    }
    return [s, f];
  }
}
