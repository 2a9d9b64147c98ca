import type { Node } from 'web-tree-sitter';
import { field, kids, typeOf, unparen } from './node-cache';
import { ConditionSplit } from './conditions';
import { CONTEXT_TYPES } from './helpers';
import { join, joinAll, type PtrFact, sameState, State, TOP, type Value } from './state';
import { declaredType, fitToType, pointeeStruct } from './types';

/** How many times a loop body is run to reach a fixpoint before the values it changes are given up. */
const LOOP_PASSES = 3;
/** A function with more statements than this is not analysed (the cap that keeps an edit's lint fast). */
export const MAX_STATEMENTS = 4000;

export class LostTrack extends Error {}

/**
 * Statements of one function, interpreted over abstract states: branches split the state on their condition, paths
 * meet with a join, loops run to a fixpoint, `break`/`continue`/`return`/forward `goto` carry their state to where
 * they land. A backward goto, or more statements than the cap, makes the function unanalysed (LostTrack).
 */
export class FunctionFlow extends ConditionSplit {
  private readonly breaks: (State | null)[][] = [];
  private readonly continues: (State | null)[][] = [];
  private readonly gotos = new Map<string, State[]>();
  readonly exits: { state: State; node: Node }[] = [];
  /** A pointer some return hands back while it may be NULL (for the callers' summary). */
  returnsNullable?: PtrFact;
  private steps = 0;

  run(entry: State): void {
    for (const p of this.fn.params) this.declared.set(p.name, { text: p.typeText });
    const end = this.exec(this.fn.body, entry);
    if (this.gotos.size > 0) throw new LostTrack(); // a backward goto (or to a label in a block already left): not followed
    if (end) this.exits.push({ state: end, node: this.fn.body.lastChild ?? this.fn.body });
  }

  protected replace(s: State, a: State | null, b: State | null): void {
    const j = join(a, b) ?? s;
    s.vars.clear();
    for (const [k, v] of j.vars) s.vars.set(k, v);
    s.ptrs.clear();
    for (const [k, v] of j.ptrs) s.ptrs.set(k, v);
    s.stack.clear();
    for (const [k, v] of j.stack) s.stack.set(k, v);
    s.pktRange = j.pktRange;
  }

  /** Run a statement from a state; the state after it (null: no path falls through). */
  exec(node: Node, s: State | null): State | null {
    if (++this.steps > MAX_STATEMENTS) throw new LostTrack();
    if (typeOf(node) === 'labeled_statement') {
      const label = field(node, 'label')?.text ?? '';
      s = joinAll([s, ...(this.gotos.get(label) ?? [])]);
      this.gotos.delete(label);
      // a comment after the label (`out: /* why */ x = y;`) is a child of the labeled statement too
      const inner = kids(node).find((c) => c && typeOf(c) !== 'statement_identifier' && typeOf(c) !== 'comment');
      return inner ? this.exec(inner, s) : s;
    }
    if (!s) return null;
    switch (typeOf(node)) {
      case 'compound_statement': {
        let cur: State | null = s;
        const stmts = kids(node).filter((c): c is Node => !!c && typeOf(c) !== 'comment');
        for (let i = 0; i < stmts.length; i++) {
          const iter = iteratorMacro(stmts[i]);
          if (iter && stmts[i + 1]) {
            cur = this.macroLoop(iter, stmts[++i], cur);
            continue;
          }
          cur = this.exec(stmts[i], cur);
        }
        return cur;
      }
      case 'declaration': return this.declaration(node, s.clone());
      case 'expression_statement': {
        const e = node.namedChild(0);
        const t = s.clone();
        if (e) this.eval(e, t);
        return t;
      }
      case 'if_statement': {
        const [t, f] = this.cond(field(node, 'condition')!, s.clone());
        const a = this.exec(field(node, 'consequence')!, t);
        const alt = field(node, 'alternative');
        const elseStmt = alt?.namedChildren.find((c) => c && typeOf(c) !== 'comment');
        const b = elseStmt ? this.exec(elseStmt, f) : f;
        return join(a, b);
      }
      case 'return_statement': {
        const t = s.clone();
        const v = node.namedChild(0);
        const value = v ? this.eval(v, t) : TOP;
        const fact = value.k === 'ptr' ? t.ptrs.get(value.id) : undefined;
        if (fact && fact.nul !== 'nonnull' && fact.param === undefined) this.returnsNullable ??= fact;
        this.escape(value, t); // a pointer returned to the caller is the caller's
        this.exits.push({ state: t, node });
        return null;
      }
      case 'break_statement': this.breaks[this.breaks.length - 1]?.push(s); return null;
      case 'continue_statement': this.continues[this.continues.length - 1]?.push(s); return null;
      case 'goto_statement': {
        const label = field(node, 'label')?.text ?? '';
        const list = this.gotos.get(label) ?? [];
        list.push(s);
        this.gotos.set(label, list);
        return null;
      }
      case 'for_statement': case 'while_statement': case 'do_statement': return this.loop(node, s);
      case 'switch_statement': return this.switchStmt(node, s);
      case 'comment': case ';': return s;
      default:
        throw new LostTrack(); // a statement the engine does not model (asm, a parse error): say nothing
    }
  }

  private declaration(node: Node, s: State): State {
    const type = field(node, 'type');
    if (!type) return s;
    for (const d of node.childrenForFieldName('declarator')) {
      if (!d) continue;
      const t = declaredType(type, d, this.cx.source);
      if (!t) continue;
      const length = t.dims.length === 1 ? this.arrayLength(t.dims[0]) : undefined;
      this.declared.set(t.name, { text: t.text, length });
      const init = typeOf(d) === 'init_declarator' ? field(d, 'value') : null;
      s.stack.delete(t.name);
      if (init) {
        let v = typeOf(init) === 'initializer_list' ? (this.eval(init, s), TOP) : this.eval(init, s);
        const src = unparen(init);
        if (v.k === 'addr') { // `struct k *kp = &k;`: writes through kp are not followed, so k is no longer judged
          s.stack.delete(v.local);
          v = TOP;
        }
        if (v.k === 'unb' && typeOf(src) === 'identifier') { // a copy shares the verifier's bounds with the original
          s.vars.delete(src.text);
          v = TOP;
        }
        s.vars.set(t.name, this.typed(v, t.text));
        continue;
      }
      s.vars.delete(t.name);
      const elem = this.cx.types.sizeOf(t.text);
      const size = elem === undefined ? undefined : t.dims.length === 0 ? elem : length !== undefined && t.dims.length === 1 ? elem * length : undefined;
      if (size !== undefined && size > 0 && !/\bstatic\b/.test(node.text.slice(0, type.startIndex - node.startIndex))) {
        s.stack.set(t.name, { size, written: [], decl: d, typeText: t.dims.length ? `${t.text}[${t.dims[0]}]` : t.text });
      }
    }
    return s;
  }

  /** A declaration's type gives a packet pointer its pointee: `struct ethhdr *eth = data;`. */
  private typed(v: Value, text: string): Value {
    if (v.k === 'pkt') return { ...v, pointee: pointeeStruct(text) };
    if (v.k === 'top' && CONTEXT_TYPES.has(pointeeStruct(text) ?? '')) return TOP;
    return fitToType(v, text);
  }

  private arrayLength(dim: string): number | undefined {
    if (/^\d+$/.test(dim)) return Number(dim);
    return this.cx.types.constant(dim);
  }

  private loop(node: Node, s: State): State | null {
    let cur: State | null = s.clone();
    const init = field(node, 'initializer');
    if (init) cur = typeOf(init) === 'declaration' ? this.declaration(init, cur) : (this.eval(init, cur), cur);
    const condNode = field(node, 'condition');
    const update = field(node, 'update');
    const body = field(node, 'body')!;
    const isDo = typeOf(node) === 'do_statement';
    let head: State | null = cur;
    let exit: State | null = null;
    for (let pass = 0; pass < LOOP_PASSES + 1; pass++) {
      this.breaks.push([]);
      this.continues.push([]);
      let inBody: State | null;
      let out: State | null = null;
      if (isDo || !condNode) inBody = head ? head.clone() : null;
      else [inBody, out] = head ? this.cond(condNode, head.clone()) : [null, null];
      if (pass === 0 && !isDo && condNode && head) this.checkBound(node, condNode, head);
      let end = this.exec(body, inBody);
      end = joinAll([end, ...this.continues.pop()!]);
      if (end && update) this.eval(update, end);
      if (isDo && condNode && end) {
        const [t, f] = this.cond(condNode, end);
        out = f;
        end = t;
      }
      exit = joinAll([out, ...this.breaks.pop()!]);
      const next = join(head, end);
      if (sameState(next, head)) break;
      head = pass >= LOOP_PASSES - 1 ? widen(head, next) : next;
    }
    return exit;
  }

  /**
   * `bpf_for(i, start, end) { ... }`, `bpf_repeat(n)`, `bpf_for_each(...)`: libbpf's open-coded iterators, which
   * tree-sitter sees as a call and a block. The block runs zero or more times; bpf_for's index lies in [start, end).
   */
  private macroLoop(iter: { name: string; args: Node[] }, body: Node, s: State | null): State | null {
    let head = s ? s.clone() : null;
    const counter = iter.name === 'bpf_for' ? iter.args[0] : undefined;
    if (head && counter?.type === 'identifier') {
      const hi = this.eval(iter.args[2], head.clone());
      this.declared.set(counter.text, { text: 'int' });
      head.vars.set(counter.text, hi.k === 'int' ? { k: 'int', lo: -Infinity, hi: hi.hi - 1 } : { k: 'int', lo: -Infinity, hi: Infinity });
    }
    let exit: State | null = null;
    for (let pass = 0; pass < LOOP_PASSES + 1; pass++) {
      this.breaks.push([]);
      this.continues.push([]);
      const end = joinAll([this.exec(body, head ? head.clone() : null), ...this.continues.pop()!]);
      exit = joinAll([head, ...this.breaks.pop()!]);
      const next = join(head, end);
      if (sameState(next, head)) break;
      head = pass >= LOOP_PASSES - 1 ? widen(head, next) : next;
    }
    return joinAll([exit, head]);
  }

  /** `i < n` where n has no bound the verifier knows: the loop may run until the verifier gives up. */
  private checkBound(loop: Node, condNode: Node, s: State): void {
    const c = unparen(condNode);
    if (typeOf(c) !== 'binary_expression') return;
    const o = field(c, 'operator')?.type ?? '';
    if (!['<', '<=', '!=', '>', '>='].includes(o)) return;
    const body = field(loop, 'body');
    if (body && /\b(?:break|return|goto)\b/.test(body.text)) return; // another way out the engine does not weigh
    // a body of plain arithmetic (sum += i) clang may fold into a closed form, leaving no loop for the verifier
    if (body && !/\(|->|\[|\*\s*\w/.test(body.text)) return;
    for (const side of ['right', 'left'] as const) {
      const bound = unparen(c.childForFieldName(side)!);
      const other = unparen(c.childForFieldName(side === 'right' ? 'left' : 'right')!);
      if (typeOf(other) !== 'identifier' || typeOf(bound) === 'number_literal') continue;
      const v = this.eval(bound, s.clone());
      if (v.k === 'unb') this.cx.emit({ kind: 'unbounded-loop', fn: this.fn, loop, bound, origin: v.origin });
    }
  }

  private switchStmt(node: Node, s: State): State | null {
    const t = s.clone();
    this.eval(field(node, 'condition')!, t);
    this.breaks.push([]);
    let cur: State | null = null;
    let hasDefault = false;
    for (const c of field(node, 'body')?.namedChildren ?? []) {
      if (c?.type !== 'case_statement') continue;
      if (!field(c, 'value')) hasDefault = true;
      cur = join(cur, t.clone()); // fallthrough from the previous case, or a jump here
      const value = field(c, 'value');
      for (const st of kids(c)) if (st && st.id !== value?.id && typeOf(st) !== 'comment') cur = this.exec(st, cur);
    }
    return joinAll([cur, ...this.breaks.pop()!, hasDefault ? null : t]);
  }
}

/** `bpf_for(i, 0, n)` and its kin, as tree-sitter parses them: an expression statement holding the call. */
function iteratorMacro(n: Node): { name: string; args: Node[] } | undefined {
  if (typeOf(n) !== 'expression_statement') return undefined;
  const call = kids(n)[0];
  const name = call?.type === 'call_expression' ? field(call, 'function')?.text ?? '' : '';
  if (!/^bpf_(?:for|repeat|for_each)$/.test(name)) return undefined;
  return { name, args: (field(call!, 'arguments')?.namedChildren ?? []).filter((a): a is Node => !!a) };
}

/** After a few passes, a value still changing around a loop is given up (counters, accumulators). */
function widen(prev: State | null, next: State | null): State | null {
  if (!prev || !next) return next;
  const out = next.clone();
  for (const [k, v] of next.vars) {
    const p = prev.vars.get(k);
    if (v.k === 'int' && (!p || p.k !== 'int' || p.lo !== v.lo || p.hi !== v.hi)) out.vars.delete(k);
  }
  return out;
}
