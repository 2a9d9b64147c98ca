import type { Node } from 'web-tree-sitter';
import type { CalleeSummary, FlowEvent } from './events';
import { callArgs, calleeName, type FlowFunction } from './functions';
import {
  ACQUIRES, CHANGES_PACKET, DYNPTR_ACQUIRES, MAY_RETURN_NULL, NONNULL_ARGS, READS_STACK, RELEASES, UNBOUNDED_RESULT, WRITES_STACK,
} from './helpers';
import { markWritten, type State, TOP, unwritten, type Value } from './state';
import type { FlowTypes } from './types';

/** The shared services of one file's analysis: types, the event sink, static callees' summaries, value ids. */
export interface FlowContext {
  /** The parsed (masked) text: same offsets as the source. */
  source: string;
  types: FlowTypes;
  emit(e: FlowEvent): void;
  summary(name: string): CalleeSummary | undefined;
  /** Follow packet pointers into a static callee: its accesses are judged against what the caller proved. */
  inlinePacket(name: string, args: Value[], pktRange: number): void;
  /** A static function's parameter compared with NULL (recorded in its summary). */
  paramChecked(param: number): void;
  nextId(): number;
}

/**
 * Calls, evaluated abstractly: what a helper or kfunc returns (a pointer that may be NULL, a reference to give back,
 * an unbounded scalar), which of its arguments must be non-NULL, which stack bytes it reads or writes, what a static
 * callee's summary says it does with a pointer. A call the tables do not know is opaque: what it is handed is forgotten.
 */
export abstract class CallSemantics {
  constructor(protected readonly fn: FlowFunction, protected readonly cx: FlowContext) {}

  abstract eval(node: Node, s: State): Value;
  protected abstract escape(v: Value, s: State): void;
  protected abstract needNonNull(v: Value, node: Node, s: State, how: 'deref' | 'arg'): void;

  protected call(n: Node, s: State): Value {
    const name = calleeName(n);
    const argNodes = callArgs(n);
    const args = argNodes.map((a) => this.eval(a, s));
    if (!name) {
      args.forEach((a) => this.escape(a, s));
      return TOP;
    }
    const nonnull = NONNULL_ARGS.get(name) ?? [];
    // atomics and mem* builtins compile to loads and stores through the pointer: the verifier sees a dereference
    const how = /^(?:__sync_|__atomic_|__builtin_mem|mem(?:cpy|set)$)/.test(name) ? 'deref' : 'arg';
    for (const i of nonnull) if (args[i]) this.needNonNull(args[i], argNodes[i], s, how);
    const reads = READS_STACK.get(name) ?? [];
    for (const [i, sizeArg] of reads) if (args[i]?.k === 'addr') this.stackRead(name, n, argNodes[i], args[i], sizeArg === undefined ? undefined : args[sizeArg], s);
    const writes = WRITES_STACK.get(name);
    const dyn = DYNPTR_ACQUIRES.get(name);
    const summary = this.cx.summary(name);
    if (summary && args.some((a) => a.k === 'pkt' || a.k === 'pktend')) this.cx.inlinePacket(name, args, s.pktRange);
    // an inlined callee's data_end check (or its reload of ctx->data that clang merges) may prove bytes for the caller
    const touchesPacket = summary && args.some((a) => a.k === 'pkt' || a.k === 'pktend' || a.k === 'ctx');
    args.forEach((a, i) => {
      if (RELEASES.has(name) && i === 0 && a.k === 'ptr') {
        const f = s.ptrs.get(a.id);
        if (f) s.setPtr(a.id, { ...f, refLive: false, released: true });
        return;
      }
      const local = /^&\s*(\w+)$/.exec(argNodes[i].text)?.[1];
      if (local && /_dynptr$/.test(name) && RELEASES.has(name.replace(/_dynptr$/, ''))) {
        this.releaseDynptr(local, s);
        return;
      }
      if (dyn && i === dyn.arg && local) {
        const id = this.cx.nextId();
        s.vars.set(`\0dynptr ${local}`, { k: 'ptr', id });
        s.setPtr(id, { nul: 'nonnull', origin: { what: name, node: n }, refLive: true, release: dyn.release });
        return;
      }
      const w = writes?.find(([j]) => j === i);
      if (w && a.k === 'addr') {
        const obj = s.stack.get(a.local);
        const size = w[1] !== undefined ? args[w[1]] : undefined;
        const len = size?.k === 'int' && size.lo === size.hi ? size.lo : (a.size ?? (obj ? obj.size - a.off : 0));
        if (obj) s.stack.set(a.local, markWritten(obj, a.off, a.off + len));
        return;
      }
      if (nonnull.includes(i) || reads.some(([j]) => j === i)) return;
      if (summary && a.k === 'ptr') return this.applySummary(summary, i, a.id, argNodes[i], name, s);
      this.escape(a, s);
    });
    if (CHANGES_PACKET.test(name) || touchesPacket) this.forgetPacket(s);
    const nullType = MAY_RETURN_NULL.get(name);
    if (nullType) {
      const id = this.cx.nextId();
      const release = ACQUIRES.get(name);
      s.setPtr(id, { nul: 'maybe', origin: { what: name, node: n, regType: nullType }, refLive: !!release, release });
      return { k: 'ptr', id };
    }
    if (summary?.returnsNullable) {
      const id = this.cx.nextId();
      const f = summary.returnsNullable;
      s.setPtr(id, { nul: 'maybe', origin: { ...f.origin, via: { name, call: n } } });
      return { k: 'ptr', id };
    }
    if (UNBOUNDED_RESULT.test(name)) return { k: 'unb', origin: { what: `the result of ${name}()`, node: n } };
    return TOP;
  }

  private applySummary(summary: CalleeSummary, i: number, id: number, arg: Node, name: string, s: State): void {
    const fact = s.ptrs.get(id);
    if (!fact) return;
    const deref = summary.derefs.get(i);
    if (deref && fact.nul !== 'nonnull') {
      this.cx.emit({ kind: 'null-deref', fn: this.fn, node: arg, fact, how: 'callee', callee: { name, node: deref } });
      s.setPtr(id, { ...fact, nul: 'nonnull' });
    }
    if (summary.escapes.has(i) || summary.checks.has(i)) s.ptrs.delete(id); // its answer may guard the caller's uses
    else if (summary.releases.has(i)) s.setPtr(id, { ...(s.ptrs.get(id) ?? fact), refLive: false });
  }

  private releaseDynptr(local: string, s: State): void {
    const v = s.vars.get(`\0dynptr ${local}`);
    if (v?.k !== 'ptr') return;
    const f = s.ptrs.get(v.id);
    if (f) s.setPtr(v.id, { ...f, refLive: false });
  }

  private stackRead(helper: string, call: Node, argNode: Node, a: Value & { k: 'addr' }, size: Value | undefined, s: State): void {
    const obj = s.stack.get(a.local);
    if (!obj) return;
    // a size in a known range (`n & 15`): the verifier checks as many bytes as its upper bound, not the whole object
    const len = size?.k === 'int' && Number.isFinite(size.hi) ? Math.max(0, size.hi) : (a.size ?? obj.size - a.off);
    const holes = unwritten(obj, a.off, Math.min(obj.size, a.off + len));
    if (holes.length > 0) {
      this.cx.emit({ kind: 'uninit-read', fn: this.fn, call, arg: argNode, local: a.local, decl: obj.decl, holes, size: len, typeText: obj.typeText, helper });
      s.stack.set(a.local, markWritten(obj, 0, obj.size)); // once per path
    }
  }

  private forgetPacket(s: State): void {
    for (const [k, v] of s.vars) if (v.k === 'pkt' || v.k === 'pktend') s.vars.delete(k);
    s.pktRange = 0;
  }
}
