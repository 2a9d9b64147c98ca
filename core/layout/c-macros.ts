import { evalConstText, toNumber } from '../source/c-const-expr';
import type { CFileModel, CRecordDecl } from '../source/c-model';
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
 * `} __packed;` and the like: a name after the body that the unit defines as an attribute macro applies to the
 * record; one that looks like such a macro (`__packed`, `__aligned`...) but is not defined anywhere known makes the
 * layout unknown. Other names are variables.
 */
export function recordAttributeMacros(rec: CRecordDecl, macros: Map<string, Macro>): { packed: boolean; aligned?: number } {
  const out: { packed: boolean; aligned?: number } = { packed: false };
  for (const name of rec.attributeMacros ?? []) {
    const m = macros.get(name);
    if (m === 'unknown') throw new Unresolved(`${recordName(rec)} is followed by ${name}, a macro defined under a condition that cannot be decided`);
    if (!m) {
      if (/^__(?:packed|aligned|attribute\w*|may_alias|randomize_layout)\b/.test(name)) {
        throw new Unresolved(`${recordName(rec)} is followed by ${name}, an attribute macro no file this tool read defines`);
      }
      continue;
    }
    if (/\b(?:__packed__|packed)\b/.test(m.value)) out.packed = true;
    const a = /\b(?:__aligned__|aligned)\s*\(\s*(\d+)\s*\)/.exec(m.value);
    if (a) out.aligned = Number(a[1]);
  }
  return out;
}
