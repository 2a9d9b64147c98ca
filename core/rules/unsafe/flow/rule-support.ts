import type { Node } from 'web-tree-sitter';
import { unparen } from './node-cache';
import { type Fix, SourceText, type TextEdit } from '../../../fixes/text-edit';
import { rangeOf } from '../../../source/range';
import type { FlowFunction } from './functions';


/** 1-based line of a node, for messages. */
export const lineOf = (n: Node) => n.startPosition.row + 1;

/** The variable a call's result is stored in (`T *p = call(...)`, `p = call(...)`), through casts. */
export function assignedName(call: Node): string | undefined {
  let n: Node | null = call.parent;
  while (n && (n.type === 'cast_expression' || n.type === 'parenthesized_expression')) n = n.parent;
  if (n?.type === 'init_declarator') {
    let d = n.childForFieldName('declarator');
    while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
    return d?.text;
  }
  if (n?.type === 'assignment_expression') {
    const left = unparen(n.childForFieldName('left')!);
    return left.type === 'identifier' ? left.text : undefined;
  }
  return undefined;
}

/** The statement holding a node (the declaration, expression statement, return, ...), directly inside a block or a branch. */
export function statementOf(node: Node): Node | undefined {
  for (let n: Node | null = node; n; n = n.parent) {
    if (/_statement$|^declaration$/.test(n.type) && n.type !== 'compound_statement' && n.type !== 'parenthesized_expression') {
      if (n.type === 'expression_statement' || n.type === 'declaration' || n.type === 'return_statement') return n;
      if (/^(if|for|while|do|switch)_statement$/.test(n.type)) return n;
    }
  }
  return undefined;
}

/**
 * The value a function's early returns use (XDP_PASS, 0, TC_ACT_OK, ...): the constant of its final return (the
 * ordinary way out), else its most frequent constant return, else `0`.
 */
export function returnConvention(fn: FlowFunction): string {
  if (fn.returnsVoid) return 'return;';
  if (fn.returnsPointer) return 'return NULL;';
  const constant = (n: Node | null | undefined) => (n && /^(?:[A-Z_][A-Z0-9_]*|-?\d+)$/.test(n.text) ? n.text : undefined);
  const stmts = fn.body.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const last = stmts[stmts.length - 1];
  if (last?.type === 'return_statement' && constant(last.namedChild(0))) return `return ${constant(last.namedChild(0))};`;
  const counts = new Map<string, number>();
  const walk = (n: Node) => {
    if (n.type === 'return_statement') {
      const v = constant(n.namedChild(0));
      if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
      return;
    }
    for (const c of n.namedChildren) if (c) walk(c);
  };
  walk(fn.body);
  const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return `return ${best ?? '0'};`;
}

let lastText: SourceText | undefined;
/** One SourceText per document (its line index is built once, not once per fix). */
function sourceText(source: string): SourceText {
  if (lastText?.text !== source) lastText = new SourceText(source);
  return lastText;
}

/** Insert a statement on its own line before `stmt`; when `stmt` is the lone body of an if/loop, brace the two. */
export function insertBefore(source: string, stmt: Node, text: string): TextEdit {
  const src = sourceText(source);
  const range = rangeOf(stmt);
  const parent = stmt.parent;
  if (parent && parent.type !== 'compound_statement' && parent.type !== 'case_statement' && parent.type !== 'labeled_statement') {
    return { range, newText: `{ ${text} ${stmt.text} }` };
  }
  const indent = src.indentOf(range.start.line);
  const at = { line: range.start.line, character: indent.length };
  if (src.before(range.start).trim() !== '') return { range: { start: range.start, end: range.start }, newText: `${text} ` };
  return { range: { start: at, end: at }, newText: `${text}\n${indent}` };
}

/** Insert a statement on its own line after `stmt` (same indentation). */
export function insertAfter(source: string, stmt: Node, text: string): TextEdit {
  const src = sourceText(source);
  const range = rangeOf(stmt);
  const indent = src.indentOf(range.start.line);
  return { range: { start: range.end, end: range.end }, newText: `\n${indent}${text}` };
}

/** The name a function gives data_end, if it keeps it in a variable; else the expression that reads it from ctx. */
export function dataEndExpr(fn: FlowFunction): string {
  const m = /(\w+)\s*=\s*\(\s*void\s*\*\s*\)\s*\(\s*long\s*\)\s*\w+\s*->\s*data_end/.exec(fn.body.text);
  if (m) return m[1];
  const ctx = fn.params[0]?.name ?? 'ctx';
  return `(void *)(long)${ctx}->data_end`;
}

/** The function definition a node lies in. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let n: Node | null = node; n; n = n.parent) if (n.type === 'function_definition') return n;
  return undefined;
}

/**
 * Fixes computed now, handed out later: the host frees the tree after the rules ran, so a fix must not read nodes
 * when the editor asks for it. Edits are positions and text only.
 */
export function eager(fixes: Fix[]): () => Fix[] {
  return () => fixes;
}
