import { rangeOf } from '../../../source/range';
import type { Finding } from '../../finding';
import type { UnsafeRule, UnsafeRuleContext } from '../rule';
import { analyzeFlow } from './analysis';
import { insertBefore, returnConvention, statementOf, eager } from './rule-support';

const ANSWERS = {
  stack: '"invalid unbounded variable-offset read from stack R<n>" (or write), or "R<n> min value is negative, either use unsigned index or do a if (index >=0) check."',
  'map value': '"R<n> unbounded memory access, make sure to bounds check any such access"',
  packet: '"R<n> unbounded memory access, make sure to bounds check any such access"',
};

function check(ctx: UnsafeRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const e of analyzeFlow(ctx).events) {
    if (e.kind !== 'variable-offset') continue;
    const i = e.index.text;
    const n = e.length;
    const pow2 = n > 0 && (n & (n - 1)) === 0;
    const guard = `if (${i} >= ${n}) ${returnConvention(e.fn)}`;
    const mask = `${i} &= ${n - 1};`;
    const stmt = statementOf(e.node);
    const simple = e.index.type === 'identifier';
    out.push({
      rule: 'variable-offset',
      severity: 'error',
      message: `${e.node.text} indexes a ${e.into} array of ${n} elements with ${i}, which comes from ${e.origin.what} and is not checked on this path. The verifier answers ${ANSWERS[e.into]}. Bound it first: \`${guard}\`${pow2 ? ` or \`${mask}\`` : ''} (on an unsigned index).`,
      range: rangeOf(e.node),
      related: [{ message: `${i} comes from ${e.origin.what}`, range: rangeOf(e.origin.node) }],
      fixes: simple && stmt ? eager([
        { title: `Return early when ${i} >= ${n}`, preferred: true, edits: [insertBefore(ctx.source, stmt, guard)] },
        ...(pow2 ? [{ title: `Mask ${i} to ${n - 1}`, edits: [insertBefore(ctx.source, stmt, mask)] }] : []),
      ]) : undefined,
    });
  }
  return out;
}

export const variableOffset: UnsafeRule = {
  id: 'variable-offset',
  description: 'An array index or pointer offset from a value with no bound (map value, context field, helper result) into a stack buffer or map value array.',
  defaultSeverity: 'error',
  check,
};
