import { evalConstText } from './c-const-expr';
import type { CDirective } from './c-directives';
import type { CFileModel } from './c-model';
import type { Position } from './range';

/** A macro as the unit defines it; `unknown` when it is defined or undefined under a condition that cannot be decided. */
export type Macro = { value: string; params?: string[] } | 'unknown';

/** Whether a conditional group's lines are compiled: yes, no, or undecidable (with why). */
export type GroupState = { state: 'active' } | { state: 'inactive' } | { state: 'unknown'; reason: string };

/**
 * What the preprocessor decides for one translation unit: which conditional groups of each of its files are compiled,
 * and the macros at the end (for array sizes). `assumedUndefined` names the identifiers that conditions read as 0
 * because nothing known defines them (the build may: `-D` changes the answer).
 */
export interface Preprocessed {
  /** The state of the innermost conditional group holding a position of one of the unit's files (active: none). */
  at(model: CFileModel, p: Position): { state: GroupState; assumed: string[] };
  /** The `#pragma pack` in force at a position: a maximum member alignment, none, or undecidable. */
  packAt(model: CFileModel, p: Position): number | undefined | 'unknown';
  macros: Map<string, Macro>;
}

/**
 * The macros clang predefines for `-target bpf` that programs test (`clang -target bpf -dM -E - </dev/null`).
 * The compiler's version is not known here: conditions on it cannot be decided.
 */
const BPF_PREDEFINED: [string, Macro][] = [
  ['__bpf__', { value: '1' }], ['__BPF__', { value: '1' }], ['__clang__', { value: '1' }], ['__llvm__', { value: '1' }],
  ['__GNUC__', { value: '4' }], ['__STDC__', { value: '1' }], ['__STDC_VERSION__', { value: '201710L' }], ['__STDC_HOSTED__', { value: '1' }],
  ['_LP64', { value: '1' }], ['__LP64__', { value: '1' }], ['__CHAR_BIT__', { value: '8' }], ['__BIGGEST_ALIGNMENT__', { value: '8' }],
  ['__ORDER_LITTLE_ENDIAN__', { value: '1234' }], ['__ORDER_BIG_ENDIAN__', { value: '4321' }], ['__ORDER_PDP_ENDIAN__', { value: '3412' }],
  ['__BYTE_ORDER__', { value: '__ORDER_LITTLE_ENDIAN__' }], ['__LITTLE_ENDIAN__', { value: '1' }],
  ['__SIZEOF_SHORT__', { value: '2' }], ['__SIZEOF_INT__', { value: '4' }], ['__SIZEOF_LONG__', { value: '8' }], ['__SIZEOF_LONG_LONG__', { value: '8' }],
  ['__SIZEOF_POINTER__', { value: '8' }], ['__SIZEOF_SIZE_T__', { value: '8' }], ['__SIZEOF_INT128__', { value: '16' }],
  ['__SIZEOF_FLOAT__', { value: '4' }], ['__SIZEOF_DOUBLE__', { value: '8' }], ['__SIZEOF_LONG_DOUBLE__', { value: '8' }],
  ['__clang_major__', 'unknown'], ['__clang_minor__', 'unknown'], ['__clang_patchlevel__', 'unknown'], ['__GNUC_MINOR__', 'unknown'],
  ['__BPF_CPU_VERSION__', 'unknown'],
];

type Tri = true | false | 'unknown';
interface Frame { outer: Tri; taken: Tri; current: Tri; reason?: string; assumed: string[] }

const and = (a: Tri, b: Tri): Tri => (a === false || b === false ? false : a === 'unknown' || b === 'unknown' ? 'unknown' : true);
const or = (a: Tri, b: Tri): Tri => (a === true || b === true ? true : a === 'unknown' || b === 'unknown' ? 'unknown' : false);
const not = (a: Tri): Tri => (a === 'unknown' ? 'unknown' : !a);
const key = (at: Position) => `${at.line}:${at.character}`;

/**
 * Run the unit's directives in order, as the preprocessor would: the file's, with each included header's spliced in
 * where it is included (`headerFor`), after the command line's `-D`s (`predefined`). Headers are entered once each.
 * `missing` names includes that were not read (not found, or system headers): a macro no known file defines may be
 * defined there, so a condition on it cannot be decided.
 */
export function preprocess(unit: CFileModel, headerFor: (from: CFileModel, path: string, system: boolean) => CFileModel | undefined,
  predefined: Map<string, string | null> = new Map()): Preprocessed {
  const macros = new Map<string, Macro>(BPF_PREDEFINED);
  for (const [name, value] of predefined) {
    if (value === null) macros.delete(name); // -U
    else macros.set(name, { value });
  }
  const groups = new Map<CFileModel, Map<string, { state: GroupState; assumed: string[] }>>();
  const entered = new Set<CFileModel>();
  const missing: string[] = [];
  const stack: Frame[] = [];
  const live = (): Tri => stack.reduce<Tri>((t, f) => and(t, f.current), true);

  const record = (m: CFileModel, at: Position, t: Tri, reason: string | undefined, assumed: string[]) => {
    let g = groups.get(m);
    if (!g) groups.set(m, (g = new Map()));
    const state: GroupState = t === true ? { state: 'active' } : t === false ? { state: 'inactive' } : { state: 'unknown', reason: reason ?? 'an enclosing condition cannot be decided' };
    g.set(key(at), { state, assumed });
  };

  // `#pragma pack`: the value in force, its push stack, and each file's changes in order (a header may change it)
  let pack: number | undefined | 'unknown';
  const packStack: { value: number | undefined | 'unknown'; label?: string }[] = [];
  const packs = new Map<CFileModel, { at: Position; value: typeof pack }[]>();
  const packChanged = (m: CFileModel, at: Position) => {
    if (!packs.has(m)) packs.set(m, []);
    packs.get(m)!.push({ at, value: pack });
  };
  const run = (m: CFileModel) => {
    entered.add(m);
    const depth = stack.length;
    const ds = m.directives ?? [];
    packChanged(m, { line: -1, character: 0 });
    ds.forEach((d, i) => step(m, d, ds[i + 1]));
    if (stack.length > depth) stack.length = depth; // an unterminated #if ends with its file
  };

  const step = (m: CFileModel, d: CDirective, next: CDirective | undefined) => {
    const now = live();
    switch (d.kind) {
      case 'if': case 'ifdef': case 'ifndef': {
        // `#ifndef X` then `#define X`: an include guard or a default value. Whether a header this tool did not read
        // defines X does not matter for the layout: the file means "unless someone already did"
        const defaulting = d.kind === 'ifndef' && next?.kind === 'define' && next.name === d.name;
        const c = now === false ? { value: false as Tri, assumed: [] } : condition(d, macros, defaulting ? [] : missing);
        const current = and(now, c.value);
        stack.push({ outer: now, taken: c.value, current, reason: c.reason, assumed: c.assumed });
        record(m, d.at, current, c.reason, c.assumed);
        return;
      }
      case 'elif': case 'elifdef': case 'elifndef': case 'else': {
        const f = stack.pop();
        if (!f) return; // a stray #else: the compiler rejects the file
        const outer = stack.reduce<Tri>((t, x) => and(t, x.current), true);
        const c = d.kind === 'else' ? { value: true as Tri, assumed: [] } : f.taken === true || outer === false ? { value: false as Tri, assumed: [] } : condition(d, macros, missing);
        const mine = and(not(f.taken), c.value);
        const current = and(outer, mine);
        const reason = c.reason ?? (f.taken === 'unknown' ? f.reason : undefined);
        const assumed = [...f.assumed, ...c.assumed];
        stack.push({ outer, taken: or(f.taken, c.value), current, reason, assumed });
        record(m, d.at, current, reason, assumed);
        return;
      }
      case 'endif':
        stack.pop();
        return;
      case 'define':
        if (now === true) macros.set(d.name!, { value: d.text ?? '', ...(d.params ? { params: d.params } : {}) });
        else if (now === 'unknown') macros.set(d.name!, 'unknown');
        return;
      case 'undef':
        if (now === true) macros.delete(d.name!);
        else if (now === 'unknown') macros.set(d.name!, 'unknown');
        return;
      case 'pragma': {
        if (now === false) return;
        // (n), (), (push[, label][, n]), (pop[, label][, n]), as GCC and clang read them
        const m2 = /^pack\s*\(\s*(?:(push|pop)\s*(?:,\s*([A-Za-z_]\w*)\s*)?)?(?:,?\s*(\d+))?\s*\)/.exec(d.text ?? '');
        if (!m2) return;
        const [, action, label, n] = m2;
        if (now === 'unknown') pack = 'unknown';
        else if (action === 'push') {
          packStack.push({ value: pack, label });
          if (n) pack = Number(n);
        } else if (action === 'pop') {
          // a label pops back to its entry (and every entry above it); a label no entry has pops nothing (clang)
          const at = label === undefined ? packStack.length - 1 : packStack.map((e) => e.label).lastIndexOf(label);
          if (at >= 0) pack = packStack.splice(at)[0].value;
          if (n) pack = Number(n);
        } else pack = n ? Number(n) : undefined;
        packChanged(m, d.at);
        return;
      }
      case 'include': {
        if (now === false) return;
        const h = headerFor(m, d.path!, d.system ?? false);
        const system = !h && d.system ? unit.systemMacros?.get(d.path!) : undefined;
        if (system) { // a system header clang preprocessed for us: its macros, defined here
          for (const [name, macro] of system) macros.set(name, now === true ? macro : 'unknown');
          return;
        }
        if (!h) {
          // a header not read may define the macro a later condition tests; vmlinux.h (types only, left to BTF on
          // purpose) and libbpf's own headers (helpers and section macros) define none that struct layouts test
          if (!/(?:^|\/)vmlinux\.h$/.test(d.path!) && !/^bpf\/bpf_\w+\.h$/.test(d.path!)) missing.push(d.system ? `<${d.path}>` : `"${d.path}"`);
          return;
        }
        if (entered.has(h)) return;
        if (now === 'unknown') stack.push({ outer: true, taken: 'unknown', current: 'unknown', assumed: [] });
        run(h);
        if (now === 'unknown') stack.pop();
        packChanged(m, d.at); // what the header left in force
        return;
      }
    }
  };

  run(unit);
  // headers nothing links to (a model built without include resolution) still define their macros
  for (const h of unit.headers ?? []) if (!entered.has(h)) run(h);
  const intervals = new Map<CFileModel, Interval[]>();
  const ACTIVE = { state: { state: 'active' } as GroupState, assumed: [] };
  return {
    macros,
    packAt: (m, p) => {
      let value: typeof pack;
      for (const c of packs.get(m) ?? []) if (before(c.at, p)) value = c.value;
      return value;
    },
    at: (m, p) => {
      if (!m.directives?.length) return ACTIVE;
      let list = intervals.get(m);
      if (!list) intervals.set(m, (list = groupIntervals(m.directives)));
      let inner: Interval | undefined;
      for (const iv of list) if (before(iv.start, p) && before(p, iv.end) && (!inner || before(inner.start, iv.start))) inner = iv;
      if (!inner) return ACTIVE;
      // a header the unit never reached (not included on this configuration): its groups were not decided
      return groups.get(m)?.get(key(inner.start)) ?? (entered.has(m) ? { state: { state: 'inactive' }, assumed: [] } : ACTIVE);
    },
  };
}

interface Interval { start: Position; end: Position }
const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);

/** Each conditional group of a file: from its directive to the next directive of its chain (#elif, #else, #endif). */
function groupIntervals(directives: CDirective[]): Interval[] {
  const out: Interval[] = [];
  const open: Position[] = [];
  const far = { line: Number.MAX_SAFE_INTEGER, character: 0 };
  for (const d of directives) {
    if (d.kind === 'if' || d.kind === 'ifdef' || d.kind === 'ifndef') open.push(d.at);
    else if (d.kind === 'elif' || d.kind === 'elifdef' || d.kind === 'elifndef' || d.kind === 'else') {
      const start = open.pop();
      if (start) out.push({ start, end: d.at });
      open.push(d.at);
    } else if (d.kind === 'endif') {
      const start = open.pop();
      if (start) out.push({ start, end: d.at });
    }
  }
  for (const start of open) out.push({ start, end: far });
  return out;
}

/** A directive's condition: its truth, why it cannot be decided, and the names it read as undefined. */
function condition(d: CDirective, macros: Map<string, Macro>, missing: string[]): { value: Tri; reason?: string; assumed: string[] } {
  if (d.kind !== 'if' && d.kind !== 'elif') {
    const name = d.name ?? '';
    const m = macros.get(name);
    const defined: Tri = m === 'unknown' ? 'unknown' : m !== undefined;
    const wanted = d.kind === 'ifdef' || d.kind === 'elifdef';
    const spelled = `#${d.kind} ${name}`;
    if (defined === 'unknown') return { value: 'unknown', reason: `${spelled}: ${name} is defined under a condition that cannot be decided`, assumed: [] };
    if (!defined && missing.length > 0) return { value: 'unknown', reason: `${spelled}: ${name} may be defined in ${missingList(missing)}, which this tool did not read`, assumed: [] };
    return { value: wanted ? defined : !defined, assumed: defined ? [] : [name] };
  }
  return evalCondition(d.text ?? '', macros, missing);
}

const missingList = (missing: string[]) => missing.slice(0, 3).join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');

/** The most characters a condition's macros may expand to, and the deepest nesting of macros in macros, followed. */
const MAX_EXPANSION = 64 * 1024;
const MAX_NESTING = 200;

/**
 * Object-like macros expanded as the preprocessor does: a macro's own name inside its expansion (directly or through
 * others) is not expanded again, and is left standing (it reads as 0). A function-like or undecided macro, or an
 * expansion past the bounds (`#define A (B+B)` nested: it doubles at each level), makes the condition undecidable.
 */
function expandObjectMacros(text: string, macros: Map<string, Macro>, hidden: Set<string>, budget: { left: number }, undecidable: (why: string) => void): string {
  return text.replace(/\b([A-Za-z_]\w*)\b(\s*\()?/g, (all, name: string, call: string | undefined) => {
    const m = macros.get(name);
    if (m === undefined || hidden.has(name)) return all;
    if (m === 'unknown') {
      undecidable(`${name} is defined under a condition that cannot be decided`);
      return '0';
    }
    if (m.params) {
      undecidable(`${name}(...) is a function-like macro, which is not expanded here`);
      return '0' + (call ?? '');
    }
    budget.left -= m.value.length + 2;
    if (budget.left < 0 || hidden.size >= MAX_NESTING) {
      undecidable(`its macros expand further than this tool follows (${name})`);
      return '0' + (call ?? '');
    }
    const inner = expandObjectMacros(m.value || '0', macros, new Set(hidden).add(name), budget, undecidable);
    return `(${inner})${call ?? ''}`;
  });
}

/**
 * `#if` arithmetic: `defined X` / `defined(X)` first, then object-like macros expanded (as far as they nest), then the
 * integer expression evaluated, any identifier left standing for 0 as the standard says. A function-like macro,
 * `__has_include` and the like, or a macro whose definition is undecided make the condition undecidable.
 */
export function evalCondition(text: string, macros: Map<string, Macro>, missing: string[] = []): { value: Tri; reason?: string; assumed: string[] } {
  const spelled = `#if ${text}`;
  const assumed: string[] = [];
  let unknown: string | undefined;
  let expr = text.replace(/\bdefined\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))/g, (_, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    const m = macros.get(name);
    if (m === 'unknown') unknown ??= `${name} is defined under a condition that cannot be decided`;
    else if (m === undefined) {
      if (missing.length > 0) unknown ??= `${name} may be defined in ${missingList(missing)}, which this tool did not read`;
      assumed.push(name);
    }
    return m === undefined ? '0' : '1';
  });
  expr = expandObjectMacros(expr, macros, new Set(), { left: MAX_EXPANSION }, (why) => { unknown ??= why; });
  if (/\b__has_\w+\s*\(|\b__is_\w+\s*\(/.test(expr)) unknown ??= 'it asks the compiler (__has_include, __has_attribute, ...)';
  // what is left: identifiers no macro defines (0), but a call means a macro that was not found
  expr = expr.replace(/\b([A-Za-z_]\w*)\b(\s*\()?/g, (all, name: string, call: string | undefined) => {
    if (/^[0-9]/.test(all) || /^(?:0[xXbB][0-9a-fA-F]*|\d)/.test(name)) return all;
    if (/^[uUlL]+$/.test(name)) return all; // a literal's suffix split off by \b
    if (call) {
      unknown ??= `${name}(...) is not a macro any known file defines`;
      return '0(';
    }
    if (missing.length > 0) unknown ??= `${name} may be defined in ${missingList(missing)}, which this tool did not read`;
    assumed.push(name);
    return '0';
  });
  if (unknown) return { value: 'unknown', reason: `${spelled}: ${unknown}`, assumed: [] };
  const v = evalConstText(expr, () => null);
  if (v === null) return { value: 'unknown', reason: `${spelled}: not an integer expression this tool can evaluate`, assumed: [] };
  return { value: v !== 0n, assumed: [...new Set(assumed)] };
}
