import { evalConstText, toNumber } from '../source/c-const-expr';
import type { CAttributeMacro, CFileModel, CRecordDecl } from '../source/c-model';
import { preprocess, type GroupState, type Macro, type Preprocessed } from '../source/c-preprocess';

/** What the preprocessor's answers mean for a layout: array sizes, attribute macros, the unit's run, cached per model. */

/** A type this file (with its headers, macros and BTF) cannot lay out; the message says why. */
export class Unresolved extends Error {}

export const recordName = (rec: CRecordDecl) => (rec.name ? `${rec.tag} ${rec.name}` : rec.typedefName ?? `${rec.tag} (anonymous)`);
const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef']);
export const ACTIVE: GroupState = { state: 'active' };

const units = new WeakMap<CFileModel, Preprocessed>();
const conditional = new WeakMap<CFileModel, boolean>();

/** The file has `#if`s: only then do positions need the preprocessor's answer. */
export function hasConditionals(m: CFileModel): boolean {
  let has = conditional.get(m);
  if (has === undefined) conditional.set(m, (has = m.directives?.some((d) => CONDITIONALS.has(d.kind)) ?? false));
  return has;
}

const pragmas = new WeakMap<CFileModel, boolean>();
/** The file has `#pragma pack`: only then can a record's position change its member alignments. */
export function hasPackPragmas(m: CFileModel): boolean {
  let has = pragmas.get(m);
  if (has === undefined) pragmas.set(m, (has = m.directives?.some((d) => d.kind === 'pragma') ?? false));
  return has;
}

/** The preprocessor run of a unit (its main file's model), kept as long as the model. */
export function preprocessedUnit(model: CFileModel): Preprocessed {
  let p = units.get(model);
  if (!p) {
    const links = model.includeLinks;
    p = preprocess(model, (from, inc) => links?.get(from)?.get(inc), model.predefined);
    units.set(model, p);
  }
  return p;
}

/**
 * An array size as the preprocessor leaves it: its macros expanded with the unit's `#define`s and `-D`s (so
 * `-DMAX_ENTRIES=32` or an `#ifndef`-guarded default count), then the file's enumerators (`constant`). Null: not a
 * constant this way. Throws when a macro it reads is defined under an undecidable condition.
 */
export function macroArrayLength(lengthText: string, macros: Map<string, Macro>, constant: (name: string) => number | null): number | null {
  let undecided: string | undefined;
  let depth = 0;
  const lookup = (name: string): bigint | null => {
    const m = macros.get(name);
    if (m === 'unknown') undecided = name;
    if (m && m !== 'unknown' && !m.params && depth < 16) {
      depth++;
      const v = evalConstText(m.value, lookup);
      depth--;
      if (v !== null) return v;
    }
    const c = constant(name);
    return c === null ? null : BigInt(c);
  };
  const v = evalConstText(lengthText, lookup);
  if (undecided) throw new Unresolved(`array size '${lengthText}' depends on ${undecided}, which is defined under a condition that cannot be decided`);
  return v === null ? null : toNumber(v);
}

/**
 * Attribute macros (`} __packed;`, `__u64 x __aligned(8);`) expanded with the unit's macros: `__packed` defined as
 * `__attribute__((packed))`, `__aligned(x)` as `__attribute__((aligned(x)))`. One that no file this tool read defines
 * (or that expands to something else) makes the layout unknown rather than guessed.
 */
export function expandAttributeMacros(what: string, used: CAttributeMacro[], macros: Map<string, Macro>): { packed: boolean; aligned?: number } {
  const out: { packed: boolean; aligned?: number } = { packed: false };
  for (const { name, args } of used) {
    const m = macros.get(name);
    const spelled = `${name}${args ? `(${args.join(', ')})` : ''}`;
    if (m === 'unknown') throw new Unresolved(`${what} uses ${spelled}, a macro defined under a condition that cannot be decided`);
    if (!m || (args !== undefined) !== (m.params !== undefined)) throw new Unresolved(`${what} uses ${spelled}, an attribute macro no file this tool read defines`);
    let value = m.value;
    m.params?.forEach((p, i) => { value = value.replace(new RegExp(`\\b${p}\\b`, 'g'), `(${args?.[i] ?? ''})`); });
    if (/\b(?:__packed__|packed)\b/.test(value)) out.packed = true;
    const a = alignedArgument(value);
    if (a !== null) {
      const n = evalConstText(a, (x) => { const c = macros.get(x); return c && c !== 'unknown' && !c.params ? evalConstText(c.value, () => null) : null; });
      if (n === null || n <= 0n) throw new Unresolved(`${what} uses ${spelled}, whose alignment is not an integer constant`);
      out.aligned = Math.max(out.aligned ?? 0, Number(n));
    }
    if (!out.packed && a === null) throw new Unresolved(`${what} uses ${spelled}, which expands to ${value || 'nothing'}, not packed or aligned`);
  }
  return out;
}

/** The argument of `aligned(...)` in an attribute's text, parentheses balanced; null when there is none. */
function alignedArgument(text: string): string | null {
  const m = /\b(?:__aligned__|aligned)\s*\(/.exec(text);
  if (!m) return null;
  let depth = 1;
  for (let i = m.index + m[0].length; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(m.index + m[0].length, i);
  }
  return null;
}
