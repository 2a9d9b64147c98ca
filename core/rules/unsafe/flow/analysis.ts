import type { UnsafeRuleContext } from '../rule';
import type { FlowContext } from './eval';
import type { CalleeSummary, FlowEvent } from './events';
import { FunctionFlow, LostTrack } from './exec';
import { resetNodeCache } from './node-cache';
import { fileFunctions, type FlowFunction } from './functions';
import { CONTEXT_TYPES } from './helpers';
import { State, type Value } from './state';
import { FlowTypes, pointeeStruct } from './types';

/** The engine's results for one file: every event on every analysed path, and the functions. */
export interface FileFlow {
  events: FlowEvent[];
  functions: Map<string, FlowFunction>;
  /** Functions the engine gave up on (a backward goto, a statement it does not model, the size cap): nothing is said about them. */
  unanalysed: string[];
}

interface FunctionResult {
  events: FlowEvent[];
  lost?: boolean;
  summary?: CalleeSummary;
}

/**
 * One analysis per rule context, shared by the seven rules (the host hands them all the same context). Keyed on the
 * context, not the model: the results hold tree nodes, which die with the tree the host frees after the rules.
 */
const cache = new WeakMap<UnsafeRuleContext, FileFlow>();

/**
 * Functions analysed clean (no event, not given up on), by context hash and text: after an edit, only the functions
 * it touched are analysed again. Bounded: emptied when it grows past CLEAN_LIMIT entries.
 */
const clean = new Set<string>();
const CLEAN_LIMIT = 20_000;
function remember(key: string): void {
  if (clean.size >= CLEAN_LIMIT) clean.clear();
  clean.add(key);
}

export function analyzeFlow(ctx: UnsafeRuleContext): FileFlow {
  let flow = cache.get(ctx);
  if (!flow) {
    flow = new FileAnalysis(ctx).run();
    cache.set(ctx, flow);
  }
  return flow;
}

const isScalarPointer = (t: string) => /\*\s*$/.test(t) && !/^\s*(?:const\s+)?void\s*\*\s*$/.test(t);

class FileAnalysis {
  private readonly functions: Map<string, FlowFunction>;
  private readonly results = new Map<string, FunctionResult | 'running'>();
  private readonly types: FlowTypes;
  private id = 0;
  private readonly masked: string;
  private readonly model: UnsafeRuleContext['model'];
  private readonly source: string;

  constructor(ctx: UnsafeRuleContext) {
    this.model = ctx.model;
    this.source = ctx.source;
    this.masked = ctx.root.text;
    this.functions = fileFunctions(ctx.root, ctx.source);
    this.types = new FlowTypes(ctx.model);
    for (const m of ctx.source.matchAll(/\bbpf_loop\s*\([^,]+,\s*&?\s*(\w+)/g)) this.callbacks.add(m[1]);
  }

  /**
   * A global function's pointer argument the verifier types as memory that may be NULL: a pointer to a scalar or to a
   * struct this file (or its headers) defines. Kernel types (BTF, tracepoint records) may be typed otherwise: silent.
   */
  private plainMemory(typeText: string): boolean {
    const tag = pointeeStruct(typeText);
    if (!tag) return !/\b(?:struct|union|enum)\b/.test(typeText);
    return [this.model, ...(this.model.headers ?? [])].some((m) => m.records.some((r) => r.name === tag));
  }

  /** A file without any program (a plain C unit, a header-like library) has no global BPF subprograms either. */
  private get hasPrograms(): boolean {
    return [...this.functions.values()].some((f) => f.section);
  }

  run(): FileFlow {
    resetNodeCache();
    const events: FlowEvent[] = [];
    const unanalysed: string[] = [];
    const context = this.contextHash();
    for (const fn of this.functions.values()) {
      const key = `${context}\0${this.source.slice(fn.node.startIndex, fn.node.endIndex)}`;
      if (clean.has(key)) continue; // analysed before, in this same context, and nothing to say
      const r = this.result(fn);
      events.push(...(r?.events ?? []));
      if (r?.lost) unanalysed.push(fn.name);
      else if (r && r.events.length === 0) remember(key);
    }
    return { events, functions: this.functions, unanalysed };
  }

  /**
   * What a function's analysis depends on besides its own text: the file outside the non-static functions (types,
   * constants, maps, every static function a call may reach). An edit inside one program leaves the others' context
   * as it was, so a program found clean before is not analysed again.
   */
  private contextHash(): string {
    let h = 0x811c9dc5;
    let from = 0;
    const mix = (a: number, b: number) => {
      for (let i = a; i < b; i++) h = Math.imul(h ^ this.source.charCodeAt(i), 0x01000193);
    };
    for (const fn of this.functions.values()) {
      if (fn.isStatic) continue;
      mix(from, fn.node.startIndex);
      from = fn.node.endIndex;
    }
    mix(from, this.source.length);
    return `${(h >>> 0).toString(36)}:${this.source.length - [...this.functions.values()].reduce((n, f) => n + (f.isStatic ? 0 : f.node.endIndex - f.node.startIndex), 0)}`;
  }

  private result(fn: FlowFunction): FunctionResult | undefined {
    const r = this.results.get(fn.name);
    if (r === 'running') return undefined; // recursion: opaque
    if (r) return r;
    this.results.set(fn.name, 'running');
    const out = this.analyse(fn);
    this.results.set(fn.name, out);
    return out;
  }

  /** Static functions bpf_loop() calls back: the index it passes is a scalar the verifier knows nothing about. */
  private readonly callbacks = new Set<string>();
  private inlineDepth = 0;

  /** A static callee run again with the caller's packet pointers (and proven range); only its packet accesses are kept. */
  private inlinePacket(name: string, args: Value[], pktRange: number, emit: (e: FlowEvent) => void, outer: FlowContext): void {
    const callee = this.functions.get(name);
    if (!callee || this.inlineDepth >= 3) return;
    const entry = new State();
    entry.pktRange = pktRange;
    callee.params.forEach((p, i) => {
      const a = args[i];
      if (a?.k === 'pkt') entry.vars.set(p.name, { ...a, pointee: pointeeStruct(p.typeText) });
      else if (a?.k === 'pktend' || a?.k === 'ctx') entry.vars.set(p.name, a);
    });
    const cx: FlowContext = { ...outer, paramChecked: () => undefined, emit: (e) => { if (e.kind === 'packet-access') emit(e); } };
    this.inlineDepth++;
    try {
      new FunctionFlow(callee, cx).run(entry);
    } catch (e) {
      if (!(e instanceof LostTrack)) throw e;
    } finally {
      this.inlineDepth--;
    }
  }

  private analyse(fn: FlowFunction): FunctionResult {
    const own: FlowEvent[] = [];
    const summary: CalleeSummary = { derefs: new Map(), releases: new Set(), escapes: new Set(), checks: new Set() };
    const seen = new Set<string>();
    const cx: FlowContext = {
      source: this.masked,
      types: this.types,
      nextId: () => ++this.id,
      summary: (name) => {
        const callee = this.functions.get(name);
        return callee && callee.isStatic && !callee.section ? this.result(callee)?.summary : undefined;
      },
      inlinePacket: (name, args, range) => this.inlinePacket(name, args, range, cx.emit, cx),
      paramChecked: (i) => summary.checks.add(i),
      emit: (e) => {
        const key = `${e.kind}:${'node' in e ? e.node.startIndex : 'call' in e ? e.call.startIndex : 'loop' in e ? e.loop.startIndex : e.exit.startIndex}`;
        if (e.kind === 'null-deref' && e.fact.param !== undefined) {
          if (!summary.derefs.has(e.fact.param)) summary.derefs.set(e.fact.param, e.node);
          return;
        }
        if (!seen.has(key)) {
          seen.add(key);
          own.push(e);
        }
      },
    };
    const entry = new State();
    const paramIds = new Map<number, number>();
    fn.params.forEach((p, i) => {
      const tag = pointeeStruct(p.typeText);
      // a program's first argument is its context; elsewhere the type says it (struct bpf_sock is a socket there)
      if (tag && (fn.section ? i === 0 && !fn.macroArgs : CONTEXT_TYPES.has(tag) && tag !== 'bpf_sock')) entry.vars.set(p.name, { k: 'ctx', pointee: tag });
      else if (fn.section) return;
      else if (i === 0 && this.callbacks.has(fn.name) && !/\*/.test(p.typeText)) {
        entry.vars.set(p.name, { k: 'unb', origin: { what: 'the index bpf_loop() passes its callback', node: fn.node } });
      }
      else if (fn.isStatic && /\*\s*$/.test(p.typeText)) {
        const id = cx.nextId();
        paramIds.set(i, id);
        entry.vars.set(p.name, { k: 'ptr', id });
        entry.setPtr(id, { nul: 'maybe', origin: { what: `argument ${p.name}`, node: fn.node }, param: i, refLive: true });
      } else if (!fn.isStatic && this.hasPrograms && isScalarPointer(p.typeText) && !/__arg_/.test(p.text) && this.plainMemory(p.typeText)) {
        const id = cx.nextId();
        entry.vars.set(p.name, { k: 'ptr', id });
        entry.setPtr(id, { nul: 'maybe', origin: { what: `argument ${p.name} of global function ${fn.name}()`, node: fn.node, regType: 'mem_or_null' } });
      } else if (!fn.isStatic && this.hasPrograms && !/\*/.test(p.typeText)) {
        entry.vars.set(p.name, { k: 'unb', origin: { what: `argument ${p.name} of global function ${fn.name}() (checked on its own, any value)`, node: fn.node } });
      }
    });
    const flow = new FunctionFlow(fn, cx);
    try {
      flow.run(entry);
    } catch (e) {
      if (e instanceof LostTrack) return { events: [], lost: true }; // no summary: callers treat it as opaque
      throw e;
    }
    for (const { state, node } of flow.exits) {
      for (const [i, id] of paramIds) {
        const f = state.ptrs.get(id);
        if (!f) summary.escapes.add(i);
      }
      for (const fact of state.ptrs.values()) {
        if (fact.refLive && fact.nul !== 'null' && fact.param === undefined) own.push({ kind: 'leak', fn, exit: node, fact });
      }
    }
    for (const [i, id] of paramIds) {
      if (summary.escapes.has(i) || flow.exits.length === 0) continue;
      if (flow.exits.every(({ state }) => state.ptrs.get(id)?.refLive === false)) summary.releases.add(i);
      else if (flow.exits.some(({ state }) => state.ptrs.get(id)?.released)) summary.escapes.add(i); // released on some paths: the caller cannot be judged
    }
    summary.returnsNullable = flow.returnsNullable && { ...flow.returnsNullable, refLive: false }; // references are not followed back
    return { events: dedupLeaks(own), summary: fn.isStatic && !fn.section ? summary : undefined };
  }
}

/** One leak per reference and exit. */
function dedupLeaks(events: FlowEvent[]): FlowEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    if (e.kind !== 'leak') return true;
    const key = `${e.fact.origin.node.startIndex}:${e.exit.startIndex}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
