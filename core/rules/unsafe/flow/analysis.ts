import type { CFileModel } from '../../../source/c-model';
import type { UnsafeRuleContext } from '../rule';
import type { FlowContext } from './eval';
import type { CalleeSummary, FlowEvent } from './events';
import { FunctionFlow, LostTrack } from './exec';
import { fileFunctions, type FlowFunction } from './functions';
import { CONTEXT_TYPES } from './helpers';
import { State } from './state';
import { FlowTypes, pointeeStruct } from './types';

/** The engine's results for one file: every event on every analysed path, and the functions. */
export interface FileFlow {
  events: FlowEvent[];
  functions: Map<string, FlowFunction>;
}

interface FunctionResult {
  events: FlowEvent[];
  summary?: CalleeSummary;
}

/** One analysis per document version, shared by the seven rules (each calls analyzeFlow with the same context). */
const cache = new WeakMap<CFileModel, { source: string; flow: FileFlow }>();

export function analyzeFlow(ctx: UnsafeRuleContext): FileFlow {
  const hit = cache.get(ctx.model);
  if (hit && hit.source === ctx.source) return hit.flow;
  const flow = new FileAnalysis(ctx).run();
  cache.set(ctx.model, { source: ctx.source, flow });
  return flow;
}

const isScalarPointer = (t: string) => /\*\s*$/.test(t) && !/^\s*(?:const\s+)?void\s*\*\s*$/.test(t);

class FileAnalysis {
  private readonly functions: Map<string, FlowFunction>;
  private readonly results = new Map<string, FunctionResult | 'running'>();
  private readonly types: FlowTypes;
  private id = 0;
  private readonly masked: string;

  constructor(ctx: UnsafeRuleContext) {
    this.masked = ctx.root.text;
    this.functions = fileFunctions(ctx.root, ctx.source);
    this.types = new FlowTypes(ctx.model);
  }

  /** A file without any program (a plain C unit, a header-like library) has no global BPF subprograms either. */
  private get hasPrograms(): boolean {
    return [...this.functions.values()].some((f) => f.section);
  }

  run(): FileFlow {
    const events: FlowEvent[] = [];
    for (const fn of this.functions.values()) events.push(...(this.result(fn)?.events ?? []));
    return { events, functions: this.functions };
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

  private analyse(fn: FlowFunction): FunctionResult {
    const own: FlowEvent[] = [];
    const summary: CalleeSummary = { derefs: new Map(), releases: new Set(), escapes: new Set() };
    const seen = new Set<string>();
    const cx: FlowContext = {
      source: this.masked,
      types: this.types,
      nextId: () => ++this.id,
      summary: (name) => {
        const callee = this.functions.get(name);
        return callee && callee.isStatic && !callee.section ? this.result(callee)?.summary : undefined;
      },
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
      if (tag && (fn.section ? i === 0 : CONTEXT_TYPES.has(tag) && tag !== 'bpf_sock')) entry.vars.set(p.name, { k: 'ctx', pointee: tag });
      else if (fn.section) return;
      else if (fn.isStatic && /\*\s*$/.test(p.typeText)) {
        const id = cx.nextId();
        paramIds.set(i, id);
        entry.vars.set(p.name, { k: 'ptr', id });
        entry.setPtr(id, { nul: 'maybe', origin: { what: `argument ${p.name}`, node: fn.node }, param: i, refLive: true });
      } else if (!fn.isStatic && this.hasPrograms && isScalarPointer(p.typeText) && !/__arg_/.test(p.text)) {
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
      if (e instanceof LostTrack) return { events: [] }; // no summary: callers treat it as opaque
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
      if (!summary.escapes.has(i) && flow.exits.length > 0 && flow.exits.every(({ state }) => state.ptrs.get(id)?.refLive === false)) summary.releases.add(i);
    }
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
