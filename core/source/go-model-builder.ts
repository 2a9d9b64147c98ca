import type { Node, Tree } from 'web-tree-sitter';
import { eachFragment, FragmentCache, type Fragment } from './fragment-cache';
import { GoExtractor } from './go-extract';
import type { GoFileModel } from './go-model';
import { collectUsageFacts, type GoUsageFacts } from './go-usage';

/** One top-level Go declaration's share of the model and of the usage facts. */
interface GoFragment extends Fragment {
  model: GoFileModel;
  facts: GoUsageFacts;
  /** Set by the package clause and import declarations: where a new import would go. */
  anchor?: { from: 'package' | 'import'; value: GoFileModel['importAnchor'] };
}

/** A document's extracted Go declarations, kept between edits. */
export class GoModelCache extends FragmentCache<GoFragment> {}

/**
 * Struct and type declarations of one Go file, with the usage facts of its declarations (`model.facts`): which of
 * its structs cross into the kernel is resolved from them by go-usage.ts resolveUses, once the package is known.
 */
export function extractGoModel(tree: Tree, cache?: GoModelCache): GoFileModel {
  const source = tree.rootNode.text;
  const model: GoFileModel = { source, pkg: '', imports: [], importAnchor: { style: 'none', at: { line: 0, character: 0 } }, structs: [], defined: new Map(), constants: new Map() };
  const facts: GoUsageFacts[] = [];
  const extract = (unit: Node): GoFragment => {
    const ex = new GoExtractor('', model.constants);
    ex.walk(unit);
    const from = unit.type === 'package_clause' ? 'package' : unit.type === 'import_declaration' ? 'import' : null;
    return { row: unit.startPosition.row, model: ex.model, reads: ex.reads, facts: collectUsageFacts(unit),
      ...(from ? { anchor: { from, value: ex.model.importAnchor } } : {}) };
  };
  const valid = (f: GoFragment) => [...f.reads].every(([key, answer]) => String(model.constants.get(key.slice(2))) === answer);
  eachFragment(tree.rootNode, source, NO_CONTAINERS, cache, extract, valid, (f) => {
    const m = f.model;
    if (m.pkg) model.pkg = m.pkg;
    model.imports.push(...m.imports);
    model.structs.push(...m.structs);
    for (const [k, v] of m.defined) model.defined.set(k, v);
    for (const [k, v] of m.aliases ?? []) (model.aliases ??= new Map()).set(k, v);
    for (const [k, v] of m.constants) model.constants.set(k, v);
    // the package clause sets the anchor; an import declaration moves it, unless a grouped import already has it
    if (f.anchor && (f.anchor.from === 'package' || model.importAnchor.style !== 'group')) model.importAnchor = f.anchor.value;
    facts.push(f.facts);
  });
  model.facts = facts;
  return model;
}

const NO_CONTAINERS: ReadonlySet<string> = new Set();
