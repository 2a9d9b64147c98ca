import type { Node, Tree } from 'web-tree-sitter';

/**
 * web-tree-sitter builds a new Node object (a trip into WASM) for every childForFieldName/namedChildren call, and the
 * engine asks for the same children many times (each loop pass, each rule's look at an event). One analysis keeps
 * them by node id, for one tree at a time (ids are unique within a tree, but a tree reparsed after an edit shares
 * subtrees, and so ids, with the one before it): a node of another tree empties the cache.
 */
let tree: Tree | undefined;
let fieldCache = new Map<number, Map<string, Node | null>>();
let childCache = new Map<number, Node[]>();
let typeCache = new Map<number, string>();

export function resetNodeCache(): void {
  tree = undefined;
  fieldCache = new Map();
  childCache = new Map();
  typeCache = new Map();
}

function sameTree(n: Node): void {
  if (n.tree !== tree) {
    resetNodeCache();
    tree = n.tree;
  }
}

export function field(n: Node, name: string): Node | null {
  sameTree(n);
  let m = fieldCache.get(n.id);
  if (!m) fieldCache.set(n.id, (m = new Map()));
  let c = m.get(name);
  if (c === undefined) m.set(name, (c = n.childForFieldName(name)));
  return c;
}

export function kids(n: Node): Node[] {
  sameTree(n);
  let c = childCache.get(n.id);
  if (!c) childCache.set(n.id, (c = n.namedChildren.filter((x): x is Node => !!x)));
  return c;
}


/** A node's type name (a WASM call on every read of `.type`). */
export function typeOf(n: Node): string {
  sameTree(n);
  let t = typeCache.get(n.id);
  if (t === undefined) typeCache.set(n.id, (t = n.type));
  return t;
}

/** The expression inside any parentheses: `((p))` -> `p`. */
export function unparen(n: Node): Node {
  const inner = typeOf(n) === 'parenthesized_expression' ? kids(n)[0] : undefined;
  return inner ? unparen(inner) : n;
}
