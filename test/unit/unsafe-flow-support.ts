import assert from 'node:assert/strict';
import { extractCModel } from '../../core/source/c-model-builder';
import type { Finding } from '../../core/rules/finding';
import { flowRules } from '../../core/rules/unsafe/flow/index';
import { createParser, parseSource } from '../../core/source/tree-sitter';

/** Every flow rule (issue 13, rules 1-7) over one C source, as the analyzer runs them: one tree, one model. */
export async function lintFlow(text: string): Promise<Finding[]> {
  const parser = await createParser('c');
  const tree = parseSource(parser, 'c', text);
  if (!tree) throw new Error('parse failed');
  try {
    const ctx = { root: tree.rootNode, source: text, model: extractCModel(tree, text) }; // one context: the rules share one analysis
    return flowRules.flatMap((r) => r.check(ctx));
  } finally {
    tree.delete();
  }
}

/** Findings as `rule@line` (1-based) for compact assertions. */
export const where = (fs: Finding[]) => fs.map((f) => `${f.rule}@${f.range.start.line + 1}`);

/**
 * The flow findings of `text` are exactly its marked lines: `/*! RULE *\/` on a line says the rule must flag that line,
 * and no other flow finding may appear (a text without a marker must lint clean).
 */
export async function expectMarked(text: string): Promise<void> {
  const want = text.split('\n').flatMap((l, i) => [...l.matchAll(/\/\*! ([\w-]+) \*\//g)].map((m) => `${m[1]}@${i + 1}`)).sort();
  const got = where(await lintFlow(text)).sort();
  assert.deepEqual(got, want, text);
}
