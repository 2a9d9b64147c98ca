import type { Node } from 'web-tree-sitter';

/**
 * What one top-level declaration contributed to a file's model, as extracted at `row`, with the answers it took from
 * the declarations before it (`c:NAME` -> `4`): it is reused only while each of them is still the answer.
 */
export interface Fragment {
  row: number;
  reads: Map<string, string>;
}

/**
 * Fragments of a document's last extraction, keyed by the declaration's column and text as written. Walking a node
 * through web-tree-sitter costs about a microsecond a call, so after an edit only the declarations whose text (or
 * whose context) changed are walked again; the others are reused, moved to their new line when lines were added or
 * removed above them.
 */
export class FragmentCache<F extends Fragment> {
  fragments = new Map<string, F>();
  /** Fragments extracted afresh by the last extraction (the rest were reused), for tests and the benchmark. */
  lastExtracted = 0;
}

/**
 * Run `extract` over each top-level unit of a tree (descending into `containers`), reusing cached fragments, and hand
 * each fragment, in order, to `merge`. `valid` checks a cached fragment's reads against what was merged so far.
 */
export function eachFragment<F extends Fragment>(
  root: Node, source: string, containers: ReadonlySet<string>, cache: FragmentCache<F> | undefined,
  extract: (unit: Node) => F, valid: (f: F) => boolean, merge: (f: F) => void,
): void {
  const next = new Map<string, F>();
  let extracted = 0;
  const visit = (node: Node) => {
    for (const unit of node.namedChildren) {
      if (!unit) continue;
      if (containers.has(unit.type)) {
        visit(unit);
        continue;
      }
      const row = unit.startPosition.row;
      const key = `${unit.startPosition.column}:${source.slice(unit.startIndex, unit.endIndex)}`;
      let fragment = cache?.fragments.get(key) ?? next.get(key);
      if (fragment && !valid(fragment)) fragment = undefined;
      if (!fragment) {
        fragment = extract(unit);
        extracted++;
      } else if (fragment.row !== row) {
        fragment = movedCopy(fragment, row);
      }
      next.set(key, fragment);
      merge(fragment);
    }
  };
  visit(root);
  if (cache) {
    cache.fragments = next;
    cache.lastExtracted = extracted;
  }
}

/**
 * A fragment at another line: a copy with every position moved (the cached one may still be read through the
 * previous model). One pass copies and moves; shared objects stay shared in the copy, so each position moves once.
 */
function movedCopy<F extends Fragment>(f: F, row: number): F {
  const delta = row - f.row;
  const copies = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const done = copies.get(v);
    if (done !== undefined) return done;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      copies.set(v, out);
      for (const x of v) out.push(copy(x));
      return out;
    }
    if (v instanceof Map) {
      const out = new Map<unknown, unknown>();
      copies.set(v, out);
      for (const [k, x] of v) out.set(k, copy(x));
      return out;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.line === 'number' && typeof o.character === 'number') {
      const p = { line: o.line + delta, character: o.character };
      copies.set(v, p);
      return p;
    }
    const out: Record<string, unknown> = {};
    copies.set(v, out);
    for (const k of Object.keys(o)) out[k] = copy(o[k]);
    return out;
  };
  const moved = copy(f) as F;
  moved.row = row;
  return moved;
}
