import type { Node, Tree } from 'web-tree-sitter';
import { Extractor, typeKey, type ExtractionContext } from './c-extract';
import { readLegacyMaps } from './c-legacy-maps';
import type { CFileModel, CTypeRef } from './c-model';

/** One top-level declaration's share of the model, as extracted at `row`, with what it read from before it. */
interface Fragment {
  row: number;
  model: CFileModel;
  globals: Map<string, CTypeRef>;
  reads: Map<string, string>;
}

/**
 * Fragments of a document's last extraction, by their text. Walking every node through web-tree-sitter costs about
 * a microsecond a call, so after an edit only the declarations whose text changed (or whose context answers did) are
 * walked again; the others are reused, moved to their new line if lines were added or removed above them.
 */
export class CModelCache {
  fragments = new Map<string, Fragment>();
  /** Fragments extracted afresh by the last extraction, for tests and the benchmark. */
  lastExtracted = 0;
}

/** Preprocessor conditionals hold top-level declarations: their children are fragments of their own. */
const CONTAINERS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

function collectUnits(node: Node, out: Node[]): Node[] {
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (CONTAINERS.has(c.type)) collectUnits(c, out);
    else out.push(c);
  }
  return out;
}

/**
 * Everything the layout rules need from one C file: records, typedefs, constants and map definitions. `tree` is the
 * parse of `source` with its libbpf macros masked (parseSource); `source` is the text as written. With a cache, the
 * declarations an edit left alone are not walked again.
 */
export function extractCModel(tree: Tree, source: string, cache?: CModelCache): CFileModel {
  const model: CFileModel = { source, events: [], records: [], typedefs: new Map(), enums: new Map(), constants: new Map(), maps: [], includes: [] };
  const context: ExtractionContext = { constants: model.constants, typedefs: model.typedefs, globals: new Map() };
  const next = new Map<string, Fragment>();
  let extracted = 0;
  for (const unit of collectUnits(tree.rootNode, [])) {
    const row = unit.startPosition.row;
    // keyed by the text as written (masking makes different map members look alike) and where the line starts
    const key = `${unit.startPosition.column}:${source.slice(unit.startIndex, unit.endIndex)}`;
    let fragment = cache?.fragments.get(key) ?? next.get(key);
    if (fragment && !stillValid(fragment, context)) fragment = undefined;
    if (!fragment) {
      const ex = new Extractor(source, context);
      ex.walk(unit);
      ex.model.source = ''; // the merged model holds the text; a cached fragment need not keep an old version alive
      fragment = { row, model: ex.model, globals: ex.globals, reads: ex.reads };
      extracted++;
    } else if (fragment.row !== row) {
      fragment = moved(fragment, row);
    }
    next.set(key, fragment);
    merge(model, context, fragment);
  }
  readLegacyMaps(model, (expr) => new Extractor(source, context).sizeofType(expr));
  if (cache) {
    cache.fragments = next;
    cache.lastExtracted = extracted;
  }
  return model;
}

/** Every answer the fragment took from the code before it is still the answer. */
function stillValid(f: Fragment, context: ExtractionContext): boolean {
  for (const [key, answer] of f.reads) {
    const name = key.slice(2);
    const now = key[0] === 'c' ? String(context.constants.get(name)) : key[0] === 't' ? String(context.typedefs.has(name)) : typeKey(context.globals.get(name));
    if (now !== answer) return false;
  }
  return true;
}

function merge(model: CFileModel, context: ExtractionContext, f: Fragment): void {
  const m = f.model;
  model.events.push(...m.events);
  model.records.push(...m.records);
  model.maps.push(...m.maps);
  model.includes.push(...m.includes);
  for (const [k, v] of m.typedefs) model.typedefs.set(k, v);
  for (const [k, v] of m.enums) model.enums.set(k, v);
  for (const [k, v] of m.constants) model.constants.set(k, v);
  for (const [k, v] of f.globals) context.globals.set(k, v);
}

/**
 * The fragment at another line: a copy with every position moved (the cached one may still be read through the
 * previous model). Positions are the `{ line, character }` objects of its ranges, each moved once.
 */
function moved(f: Fragment, row: number): Fragment {
  const delta = row - f.row;
  const { model, globals } = structuredClone({ model: f.model, globals: f.globals });
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Map) {
      for (const x of v.values()) visit(x);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.line === 'number' && typeof o.character === 'number') {
      o.line += delta;
      return;
    }
    for (const x of Object.values(o)) visit(x);
  };
  visit(model);
  visit(globals);
  return { row, model, globals, reads: f.reads };
}
