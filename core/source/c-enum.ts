import type { Node } from 'web-tree-sitter';
import { evalConstExpr, toNumber } from './c-const-expr';
import type { CEnumDecl } from './c-model';
import { parseTypeText } from './c-type-text';

/**
 * An enum definition: its fixed underlying type or packed attribute, and the range of its values, which decide its
 * size (c-primitives.ts enumSize). Also its enumerators' values: they are constants that array sizes may name.
 * `lookup` answers for constants defined before the enum.
 */
export function readEnum(node: Node, lookup: (name: string) => number | undefined, packed: boolean): { decl: CEnumDecl; enumerators: [string, number][] } {
  const name = node.childForFieldName('name')?.text ?? null;
  // `enum e : __u8 { ... }` (C23, a clang extension before): tree-sitter-c has no rule for it, so read the text
  const fixed = /^enum\s*(?:\w+\s*)?:\s*([^{]+?)\s*\{/.exec(node.text);
  // the range starts as [0, 0]: a 0 in it never changes the size or signedness the values pick
  const decl: CEnumDecl = { name, packed, min: 0n, max: 0n, ...(fixed ? { underlying: parseTypeText(fixed[1]) } : {}) };
  const own = new Map<string, number>();
  const value = (n: string) => {
    const v = own.get(n) ?? lookup(n);
    return v === undefined ? null : BigInt(v);
  };
  let next: bigint | null = 0n;
  for (const e of node.childForFieldName('body')?.namedChildren ?? []) {
    if (!e || e.type !== 'enumerator') continue;
    const valueNode = e.childForFieldName('value');
    const v: bigint | null = valueNode ? evalConstExpr(valueNode, value) : next;
    const ename = e.childForFieldName('name')?.text ?? '';
    if (v === null) {
      decl.unknownValue ??= `${ename} = ${valueNode?.text ?? '?'}`;
      next = null; // the ones after it count from a value we do not know
      continue;
    }
    const asNumber = toNumber(v);
    if (asNumber !== null) own.set(ename, asNumber);
    if (v < decl.min!) decl.min = v;
    if (v > decl.max!) decl.max = v;
    next = v + 1n;
  }
  if (decl.unknownValue) {
    decl.min = null;
    decl.max = null;
  }
  return { decl, enumerators: [...own] };
}
