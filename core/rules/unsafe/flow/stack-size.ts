import type { Node } from 'web-tree-sitter';
import { rangeOf } from '../../../source/range';
import type { Finding } from '../../finding';
import type { UnsafeRule, UnsafeRuleContext } from '../rule';
import { analyzeFlow } from './analysis';
import { calleeName, type FlowFunction } from './functions';
import { declaredType, FlowTypes } from './types';

const MAX_STACK = 512;
const roundUp = (n: number) => Math.ceil(Math.max(n, 1) / 32) * 32; // the verifier rounds each frame up to 32 bytes

interface Local { name: string; size: number; decl: Node; fn: string }

/** A frame as clang lays it out: the locals of a block plus the largest frame of its nested blocks and inlined calls. */
interface Frame { size: number; locals: Local[] }

/**
 * Counts only what clang must keep in memory: arrays indexed by a variable or decayed to a pointer, and structs whose
 * address is taken. Scalars and constant-indexed arrays may live in registers, so the estimate is a lower bound.
 */
class StackEstimate {
  private readonly frames = new Map<string, Frame | null>();
  private readonly chains = new Map<string, { total: number; path: FlowFunction[] } | null>();
  private readonly types: FlowTypes;

  constructor(private readonly ctx: UnsafeRuleContext, private readonly functions: Map<string, FlowFunction>) {
    this.types = new FlowTypes(ctx.model);
  }

  frame(fn: FlowFunction): Frame {
    if (this.frames.has(fn.name)) return this.frames.get(fn.name) ?? { size: 0, locals: [] };
    this.frames.set(fn.name, null); // recursion guard
    const f = this.block(fn.body, fn);
    this.frames.set(fn.name, f);
    return f;
  }

  /**
   * The frame of a block: its own locals, plus the largest of its nested blocks and inlined calls (clang reuses their
   * slots). The declarations, calls and blocks come from one descendantsOfType walk, nested by their offsets.
   */
  private block(body: Node, fn: FlowFunction): Frame {
    // only arrays and records count, and calls to this file's static functions: a body with neither costs no walk
    const text = this.text(fn);
    const calls = this.staticCallees.test(text);
    if (!calls && !/\[|\b(?:struct|union)\s+\w+\s+\w/.test(text)) return { size: 0, locals: [] };
    const nodes = body.descendantsOfType(calls ? ['compound_statement', 'declaration', 'call_expression'] : ['compound_statement', 'declaration']).filter((n): n is Node => !!n);
    interface Block { end: number; locals: Local[]; nested: Frame }
    const root: Block = { end: body.endIndex, locals: [], nested: { size: 0, locals: [] } };
    const open: Block[] = [root];
    const close = (b: Block): Frame => {
      const own = b.locals.reduce((n, l) => n + l.size, 0);
      return { size: own + b.nested.size, locals: [...b.locals, ...b.nested.locals] };
    };
    const pop = (until: number) => {
      while (open.length > 1 && open[open.length - 1].end <= until) {
        const f = close(open.pop()!);
        const parent = open[open.length - 1];
        if (f.size > parent.nested.size) parent.nested = f;
      }
    };
    for (const n of nodes) {
      pop(n.startIndex);
      const cur = open[open.length - 1];
      if (n.type === 'compound_statement') open.push({ end: n.endIndex, locals: [], nested: { size: 0, locals: [] } });
      else if (n.type === 'declaration') this.declared(n, fn, cur.locals);
      else {
        const callee = this.functions.get(calleeName(n) ?? '');
        if (callee && callee.isStatic && !callee.noinline && !callee.section) {
          const f = this.frame(callee); // inlined: its locals live in this frame while the call runs
          if (f.size > cur.nested.size) cur.nested = f;
        }
      }
    }
    pop(Number.MAX_SAFE_INTEGER);
    return close(root);
  }

  private declared(n: Node, fn: FlowFunction, out: Local[]): void {
    const type = n.childForFieldName('type');
    if (!type || /\bstatic\b/.test(n.text.slice(0, type.startIndex - n.startIndex))) return;
    for (const d of n.childrenForFieldName('declarator')) {
      const t = d ? declaredType(type, d, this.ctx.source) : undefined;
      if (!t || /\*\s*$/.test(t.text)) continue;
      const elem = this.types.sizeOf(t.text);
      if (elem === undefined) continue;
      let size = elem;
      for (const dim of t.dims) {
        const len = /^\d+$/.test(dim) ? Number(dim) : this.types.constant(dim);
        if (len === undefined) return;
        size *= len;
      }
      const isArray = t.dims.length > 0;
      const isRecord = /^(?:struct|union)\s/.test(t.text.trim());
      if ((isArray || isRecord) && this.inMemory(fn, t.name, isArray)) out.push({ name: t.name, size, decl: d!, fn: fn.name });
    }
  }

  /** Whether clang must keep the object in memory: `buf[i]` with a non-constant i, `buf` as a pointer, `&obj`. */
  private readonly bodyText = new Map<string, string>();

  private text(fn: FlowFunction): string {
    let text = this.bodyText.get(fn.name);
    if (text === undefined) this.bodyText.set(fn.name, (text = this.ctx.source.slice(fn.body.startIndex, fn.body.endIndex)));
    return text;
  }

  /** A call to one of the file's static functions, by name. */
  private get staticCallees(): RegExp {
    const names = [...this.functions.values()].filter((f) => f.isStatic && !f.section).map((f) => f.name);
    return (this.calleePattern ??= names.length ? new RegExp(`\\b(?:${names.join('|')})\\s*\\(`) : /(?!)/);
  }

  private calleePattern?: RegExp;

  private inMemory(fn: FlowFunction, name: string, isArray: boolean): boolean {
    const text = this.text(fn);
    const re = isArray ? new RegExp(`\\b${name}\\s*(\\[\\s*([^\\]]*)\\]|[,)])`, 'g') : new RegExp(`&\\s*${name}\\b`, 'g');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (!isArray) return true;
      if (m[2] === undefined || !/^\d+$/.test(m[2].trim())) return true;
    }
    return false;
  }

  /** The deepest chain of separate frames (noinline static calls) from a function: combined size and the functions on it. */
  chain(fn: FlowFunction): { total: number; path: FlowFunction[] } {
    const hit = this.chains.get(fn.name);
    if (hit) return hit;
    if (this.chains.has(fn.name)) return { total: 0, path: [] };
    this.chains.set(fn.name, null);
    let deepest = { total: 0, path: [] as FlowFunction[] };
    for (const n of this.staticCallees.test(this.text(fn)) ? fn.body.descendantsOfType('call_expression') : []) {
      if (n) {
        const callee = this.functions.get(calleeName(n) ?? '');
        if (callee && callee.isStatic && callee.noinline && !callee.section) {
          const c = this.chain(callee);
          if (c.total > deepest.total) deepest = c;
        } else if (callee && callee.isStatic && !callee.section) {
          const c = this.chain(callee); // inlined: its own noinline calls start from this frame
          if (c.total - roundUp(this.frame(callee).size) > deepest.total) deepest = { total: c.total - roundUp(this.frame(callee).size), path: c.path.slice(1) };
        }
      }
    }
    const out = { total: roundUp(this.frame(fn).size) + deepest.total, path: [fn, ...deepest.path] };
    this.chains.set(fn.name, out);
    return out;
  }
}

function check(ctx: UnsafeRuleContext): Finding[] {
  const { functions } = analyzeFlow(ctx);
  const est = new StackEstimate(ctx, functions);
  const out: Finding[] = [];
  for (const fn of functions.values()) {
    if (!fn.section) continue;
    const { total, path } = est.chain(fn);
    const locals = path.flatMap((f) => est.frame(f).locals).sort((a, b) => b.size - a.size);
    if (locals.length === 0) continue;
    const largest = locals.slice(0, 3).map((l) => `${l.name} (${l.size} bytes, in ${l.fn}())`).join(', ');
    const single = path.length === 1 || path.slice(1).every((f) => est.frame(f).size === 0);
    const own = est.frame(fn).size;
    const advice = `Move the largest locals (${largest}) into a BPF_MAP_TYPE_PERCPU_ARRAY with one entry used as scratch space (look it up with key 0 and check it for NULL).`;
    if (single && own > MAX_STACK) {
      out.push({
        rule: 'stack-size', severity: 'error', range: rangeOf(locals[0].decl),
        message: `${fn.name}() keeps at least ${own} bytes of locals on the stack, over the 512-byte limit: clang stops before the verifier ("Looks like the BPF stack limit is exceeded. Please move large on stack variables into BPF per-cpu array map."). ${advice}`,
      });
      continue;
    }
    if (total <= MAX_STACK || path.length < 2) continue;
    const frames = path.map((f) => `${f.name}() ${roundUp(est.frame(f).size)}`).join(' + ');
    out.push({
      rule: 'stack-size', severity: 'error', range: rangeOf(locals[0].decl),
      message: `The call chain ${path.map((f) => `${f.name}()`).join(' -> ')} needs at least ${total} bytes of stack (${frames}; each frame rounded up to 32), over the 512 bytes all frames share. The verifier answers "combined stack size of ${path.length} calls is ${total}. Too large" (its figure counts spills too). ${advice}`,
      related: path.slice(1).map((f) => ({ message: `${f.name}() has its own frame (noinline)`, range: rangeOf(f.node.childForFieldName('declarator') ?? f.node) })),
    });
  }
  return out;
}

export const stackSize: UnsafeRule = {
  id: 'stack-size',
  description: 'Locals of a program plus the deepest chain of static calls over the 512-byte combined stack.',
  defaultSeverity: 'error',
  check,
};
