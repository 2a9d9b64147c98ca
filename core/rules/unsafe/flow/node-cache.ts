import type { Node } from 'web-tree-sitter';

/**
 * web-tree-sitter builds a new Node object (a trip into WASM) for every childForFieldName/namedChildren call, and the
 * engine asks for the same children many times (each loop pass, each rule's look at an event). One analysis keeps
 * them by node id; reset at the start of each file's analysis (ids are unique within one tree).
 */
let fieldCache = new Map<number, Map<string, Node | null>>();
let childCache = new Map<number, Node[]>();
let typeCache = new Map<number, string>();

export function resetNodeCache(): void {
  fieldCache = new Map();
  childCache = new Map();
  typeCache = new Map();
}

export function field(n: Node, name: string): Node | null {
  let m = fieldCache.get(n.id);
  if (!m) fieldCache.set(n.id, (m = new Map()));
  let c = m.get(name);
  if (c === undefined) m.set(name, (c = n.childForFieldName(name)));
  return c;
}

export function kids(n: Node): Node[] {
  let c = childCache.get(n.id);
  if (!c) childCache.set(n.id, (c = n.namedChildren.filter((x): x is Node => !!x)));
  return c;
}


/** A node's type name (a WASM call on every read of `.type`). */
export function typeOf(n: Node): string {
  let t = typeCache.get(n.id);
  if (t === undefined) typeCache.set(n.id, (t = n.type));
  return t;
}
