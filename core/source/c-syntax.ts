import type { Node } from 'web-tree-sitter';
import { MAX_ALIGN } from '../layout/c-primitives';
import type { CAttributeMacro, CTypeRef } from './c-model';

/** What tree-sitter-c's nodes mean for the C model: attributes, member syntax errors, type spellings, call sites. */

/**
 * `packed` and `aligned` from a node's attribute specifiers, any spelling and any number of them:
 * `__attribute__((packed))`, `__attribute__((__packed__, __aligned__(4)))`, two specifiers in a row (joined into one
 * list before parsing, c-macro-mask.ts). The largest alignment wins, as with the compiler; an alignment that is not an
 * integer constant is -1, so the layout says it cannot be computed instead of guessing.
 */
export function attributeValues(node: Node, evaluate: (n: Node) => number | null): { packed: boolean; aligned?: number } {
  let packed = false;
  let aligned: number | undefined;
  if (!node.text.includes('__attribute__')) return { packed }; // the common case, without walking the children
  for (const attr of node.children) {
    if (attr?.type !== 'attribute_specifier') continue;
    const list = attr.namedChildren.find((c) => c?.type === 'argument_list');
    for (const item of list?.namedChildren ?? []) {
      if (!item) continue;
      const call = item.type === 'call_expression';
      const name = (call ? item.childForFieldName('function')?.text : item.text)?.replace(/^__(\w+)__$/, '$1');
      if (name === 'packed') packed = true;
      if (name !== 'aligned') continue;
      const arg = call ? item.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment') : undefined;
      // bare `aligned`: the target's largest alignment
      const value = !call ? MAX_ALIGN : arg ? evaluate(arg) : MAX_ALIGN;
      aligned = value === null || value <= 0 || (value & (value - 1)) !== 0 ? -1 : aligned === -1 ? -1 : Math.max(aligned ?? 0, value);
    }
  }
  return { packed, aligned };
}

/** The preprocessor conditionals tree-sitter-c nests members in, inside a struct body. */
export const PREPROC_GROUPS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_elif', 'preproc_else', 'preproc_elifdef']);

/**
 * The first syntax error under a node (ERROR or a missing token), for a message. tree-sitter-c reads the width of
 * `unsigned long long : 0;` as an ERROR and `__u8 : 0;` with a missing name (member() reads both): those are not errors.
 */
export function firstError(node: Node): Node | null {
  for (const c of node.children) {
    if (!c) continue;
    const bitfield = node.type === 'field_declaration' && node.text.includes(':');
    if (bitfield && ((c.type === 'ERROR' && c.text.startsWith(':')) || (c.isMissing && c.type === 'field_identifier'))) continue;
    if (c.type === 'ERROR' || c.isMissing) return c;
    const inner = c.hasError ? firstError(c) : null;
    if (inner) return inner;
  }
  return null;
}

/** How a member's type specifier reads in a layout table: an inline definition by its tag and name only. */
export function specifierText(node: Node): string {
  if (['struct_specifier', 'union_specifier', 'enum_specifier'].includes(node.type) && node.childForFieldName('body')) {
    return `${node.type.replace('_specifier', '')} ${node.childForFieldName('name')?.text ?? '(anonymous)'}`;
  }
  return node.text.replace(/\s+/g, ' ');
}


/** Helpers that send a struct to user space, and which arguments carry its data and its size. */
export const OUTPUT_HELPERS: Record<string, { data?: number; size: number }> = {
  bpf_ringbuf_output: { data: 1, size: 2 },
  bpf_ringbuf_reserve: { size: 1 },
  bpf_perf_event_output: { data: 3, size: 4 },
};

/** Map helpers that take a key (the second argument), libbpf-tools' maps.bpf.h wrapper included. */
export const KEY_HELPERS = new Set(['bpf_map_update_elem', 'bpf_map_lookup_elem', 'bpf_map_delete_elem', 'bpf_map_lookup_percpu_elem', 'bpf_map_lookup_or_try_init']);

/** The variable a call's result is stored in: `e = f(...)`, `struct event *e = (void *)f(...)`. */
export function resultVariable(call: Node): string | null {
  let n: Node | null = call.parent;
  while (n && (n.type === 'cast_expression' || n.type === 'parenthesized_expression')) n = n.parent;
  if (n?.type === 'init_declarator') return n.childForFieldName('declarator')?.descendantsOfType('identifier').at(-1)?.text ?? (n.childForFieldName('declarator')?.type === 'identifier' ? n.childForFieldName('declarator')!.text : null);
  if (n?.type === 'assignment_expression' && n.childForFieldName('left')?.type === 'identifier') return n.childForFieldName('left')!.text;
  return null;
}


/** A type as C spells it, for parseTypeText: `struct event`, `__u32`. */
export function typeText(t: CTypeRef): string | null {
  if (t.kind === 'named') return t.name;
  if (t.kind === 'record' && t.name) return `${t.tag} ${t.name}`;
  if (t.kind === 'enum' && t.name) return `enum ${t.name}`;
  return null;
}

/** The kernel-style attribute macros in a stretch of source (`__packed`, `__aligned(8)`), as c-macro-mask.ts blanks them. */
export function attributeMacrosIn(text: string): CAttributeMacro[] {
  if (!text.includes('__packed') && !text.includes('__aligned')) return [];
  return [...text.matchAll(/\b(__packed)\b|\b(__aligned)\s*\(([^()\n]*)\)/g)].map((m) => (m[1] ? { name: m[1] } : { name: m[2], args: [m[3].trim()] }));
}
