import type { Node } from 'web-tree-sitter';

/** Where a tracked value came from: the call (or parameter) a diagnostic points back to. */
export interface Origin {
  /** `bpf_map_lookup_elem`, `a pointer argument of global function f`, ... */
  what: string;
  node: Node;
  /** The verifier's register type for the `_or_null` pointer (map_value_or_null, ...). */
  regType?: string;
  /** Returned by a static function: its name and the call in the caller (where the check goes). */
  via?: { name: string; call: Node };
}

export type Nullness = 'maybe' | 'nonnull' | 'null';

/** Facts about one pointer value (shared by every variable holding it, as the verifier shares a register id). */
export interface PtrFact {
  nul: Nullness;
  origin: Origin;
  /** An acquired reference still held on some path reaching here (non-NULL there). */
  refLive?: boolean;
  /** Released by a call on this path (not merely found NULL). */
  released?: boolean;
  /** The calls that release it (for the message and the fix). */
  release?: readonly string[];
  /** A static callee's parameter: its uses are reported at the call site. */
  param?: number;
}

/**
 * An abstract value. `unb` is a scalar the verifier knows nothing about (read from a map value, the context or a
 * helper result); `int` a scalar with known bounds; `top` anything the engine does not model (never reported).
 */
export type Value =
  | { k: 'ptr'; id: number }
  | { k: 'pkt'; off: number; pointee?: string }
  | { k: 'pktend' }
  | { k: 'ctx'; pointee: string }
  | { k: 'int'; lo: number; hi: number }
  | { k: 'unb'; origin: Origin }
  | { k: 'addr'; local: string; off: number; size?: number }
  | { k: 'top' };

export const TOP: Value = { k: 'top' };

/** A local whose bytes are tracked: which of them have been written on every path reaching here. */
export interface StackObject {
  size: number;
  written: [number, number][];
  decl: Node;
  typeText: string;
}

export class State {
  constructor(
    readonly vars = new Map<string, Value>(),
    readonly ptrs = new Map<number, PtrFact>(),
    readonly stack = new Map<string, StackObject>(),
    /** Bytes from the packet's start that a comparison against data_end proved on every path here. */
    public pktRange = 0,
  ) {}

  clone(): State {
    return new State(new Map(this.vars), new Map(this.ptrs), new Map(this.stack), this.pktRange);
  }

  get(name: string): Value {
    return this.vars.get(name) ?? TOP;
  }

  /** Refine a pointer value (and so every variable that holds it). */
  setPtr(id: number, fact: PtrFact): void {
    this.ptrs.set(id, fact);
  }

  /** Forget a variable: its value is no longer modelled, and if it held a reference, so is the reference. */
  forgetValue(v: Value): void {
    if (v.k === 'ptr') this.ptrs.delete(v.id);
    if (v.k === 'addr') this.stack.delete(v.local);
  }
}

function joinValue(a: Value | undefined, b: Value | undefined): Value {
  if (!a || !b) return TOP;
  if (a.k === 'ptr' && b.k === 'ptr') return a.id === b.id ? a : TOP;
  if (a.k === 'pkt' && b.k === 'pkt') return a.off === b.off ? a : TOP;
  if (a.k === 'int' && b.k === 'int') return { k: 'int', lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
  if (a.k === 'unb' && (b.k === 'unb' || b.k === 'int')) return a;
  if (b.k === 'unb' && a.k === 'int') return b;
  if (a.k === b.k && (a.k === 'pktend' || a.k === 'ctx' || (a.k === 'addr' && b.k === 'addr' && a.local === b.local && a.off === b.off))) return a;
  return TOP;
}

function joinNull(a: Nullness, b: Nullness): Nullness {
  return a === b ? a : 'maybe';
}

/** Written on every path: the intersection of two sorted range lists. */
function intersect(a: [number, number][], b: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [s1, e1] of a) {
    for (const [s2, e2] of b) {
      const s = Math.max(s1, s2);
      const e = Math.min(e1, e2);
      if (s < e) out.push([s, e]);
    }
  }
  return out.sort((x, y) => x[0] - y[0]);
}

/** The state where paths meet: what holds on each of them. Null stands for no path (dead code). */
export function join(a: State | null, b: State | null): State | null {
  if (!a) return b;
  if (!b) return a;
  const out = new State();
  for (const [name, v] of a.vars) {
    const j = joinValue(v, b.vars.get(name));
    if (j.k !== 'top') out.vars.set(name, j);
  }
  for (const [id, f] of a.ptrs) {
    const g = b.ptrs.get(id);
    if (!g) continue; // forgotten on one path: forgotten
    out.ptrs.set(id, { ...f, nul: joinNull(f.nul, g.nul), refLive: f.refLive || g.refLive, released: f.released || g.released });
  }
  for (const [name, s] of a.stack) {
    const t = b.stack.get(name);
    if (t && t.decl.id === s.decl.id) out.stack.set(name, { ...s, written: intersect(s.written, t.written) });
  }
  out.pktRange = Math.min(a.pktRange, b.pktRange);
  return out;
}

export function joinAll(states: (State | null)[]): State | null {
  return states.reduce<State | null>((acc, s) => join(acc, s), null);
}

/** Two states hold the same facts (a loop's fixpoint is reached). */
export function sameState(a: State | null, b: State | null): boolean {
  if (!a || !b) return a === b;
  if (a.vars.size !== b.vars.size || a.ptrs.size !== b.ptrs.size || a.stack.size !== b.stack.size || a.pktRange !== b.pktRange) return false;
  for (const [n, v] of a.vars) if (JSON.stringify(v, skipNodes) !== JSON.stringify(b.vars.get(n), skipNodes)) return false;
  for (const [id, f] of a.ptrs) {
    const g = b.ptrs.get(id);
    if (!g || g.nul !== f.nul || !!g.refLive !== !!f.refLive) return false;
  }
  for (const [n, s] of a.stack) if (JSON.stringify(s.written) !== JSON.stringify(b.stack.get(n)?.written)) return false;
  return true;
}

const skipNodes = (key: string, v: unknown) => (key === 'origin' || key === 'node' ? undefined : v);

/** Add a written byte range to a local. */
export function markWritten(s: StackObject, from: number, to: number): StackObject {
  const all = [...s.written, [Math.max(0, from), Math.min(s.size, to)] as [number, number]].sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of all) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return { ...s, written: merged };
}

/** The bytes of [from, to) not written. */
export function unwritten(s: StackObject, from = 0, to = s.size): [number, number][] {
  const out: [number, number][] = [];
  let at = from;
  for (const [a, b] of s.written) {
    if (b <= at) continue;
    if (a >= to) break;
    if (a > at) out.push([at, a]);
    at = Math.max(at, b);
  }
  if (at < to) out.push([at, to]);
  return out;
}
