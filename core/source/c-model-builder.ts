import type { Tree } from 'web-tree-sitter';
import { Extractor, type ExtractionContext } from './c-extract';
import { typeKey } from './c-type-text';
import { scanDirectives } from './c-directives';
import { readLegacyMaps } from './c-legacy-maps';
import type { CFileModel, CTypeRef } from './c-model';
import { eachFragment, FragmentCache, type Fragment } from './fragment-cache';

/** One top-level C declaration's share of the model. */
interface CFragment extends Fragment {
  model: CFileModel;
  globals: Map<string, CTypeRef>;
}

/** A document's extracted C declarations, kept between edits. */
export class CModelCache extends FragmentCache<CFragment> {}

/** Preprocessor conditionals hold top-level declarations: their children are fragments of their own. */
const CONTAINERS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

/**
 * Everything the layout rules need from one C file: records, typedefs, constants and map definitions. `tree` is the
 * parse of `source` with its libbpf macros masked (parseSource); `source` is the text as written. With a cache, the
 * declarations an edit left alone are not walked again.
 */
export function extractCModel(tree: Tree, source: string, cache?: CModelCache): CFileModel {
  const model: CFileModel = { source, events: [], records: [], typedefs: new Map(), enums: new Map(), constants: new Map(), maps: [], includes: [] };
  const context: ExtractionContext = { constants: model.constants, typedefs: model.typedefs, globals: new Map() };
  const extract = (unit: Parameters<Extractor['walk']>[0]): CFragment => {
    const ex = new Extractor(source, context);
    ex.walk(unit);
    ex.model.source = ''; // the merged model holds the text; a cached fragment need not keep an old version alive
    return { row: unit.startPosition.row, model: ex.model, globals: ex.globals, reads: ex.reads };
  };
  eachFragment(tree.rootNode, source, CONTAINERS, cache, extract, (f) => stillValid(f, context), (f) => merge(model, context, f));
  readLegacyMaps(model, (expr) => new Extractor(source, context).sizeofType(expr));
  model.directives = scanDirectives(source);
  return model;
}

/** Every answer the fragment took from the code before it is still the answer. */
function stillValid(f: CFragment, context: ExtractionContext): boolean {
  for (const [key, answer] of f.reads) {
    const name = key.slice(2);
    const now = key[0] === 'c' ? String(context.constants.get(name)) : key[0] === 't' ? String(context.typedefs.has(name)) : typeKey(context.globals.get(name));
    if (now !== answer) return false;
  }
  return true;
}

function merge(model: CFileModel, context: ExtractionContext, f: CFragment): void {
  const m = f.model;
  model.events.push(...m.events);
  if (m.keyUses?.length) (model.keyUses ??= []).push(...m.keyUses);
  if (m.valueUses?.length) (model.valueUses ??= []).push(...m.valueUses);
  if (m.callArgs?.length) (model.callArgs ??= []).push(...m.callArgs);
  if (m.paramWrites?.length) (model.paramWrites ??= []).push(...m.paramWrites);
  if (m.reserveWrappers?.length) (model.reserveWrappers ??= []).push(...m.reserveWrappers);
  model.records.push(...m.records);
  model.maps.push(...m.maps);
  model.includes.push(...m.includes);
  for (const [k, v] of m.typedefs) model.typedefs.set(k, v);
  for (const [k, v] of m.enums) model.enums.set(k, v);
  for (const [k, v] of m.constants) model.constants.set(k, v);
  for (const [k, v] of f.globals) context.globals.set(k, v);
}
