import { rangeOf } from '../../../source/range';
import type { Finding } from '../../finding';
import type { UnsafeRule, UnsafeRuleContext } from '../rule';
import { analyzeFlow } from './analysis';
import { FlowTypes } from './types';
import { dataEndExpr, insertBefore, returnConvention, statementOf, eager } from './rule-support';

function check(ctx: UnsafeRuleContext): Finding[] {
  const out: Finding[] = [];
  const types = new FlowTypes(ctx.model);
  for (const e of analyzeFlow(ctx).events) {
    if (e.kind !== 'packet-access') continue;
    const end = e.off + e.size;
    const base = e.base.text;
    const pointeeSize = e.pointee ? types.sizeOf(`struct ${e.pointee}`) : undefined;
    // the check to add: the whole header when the access lies inside it, else the bytes up to the access's end
    const guard = pointeeSize !== undefined && end <= e.baseOff + pointeeSize
      ? `(void *)(${base} + 1) > ${dataEndExpr(e.fn)}`
      : `(void *)${base} + ${end - e.baseOff} > ${dataEndExpr(e.fn)}`;
    const proven = e.range === 0 ? 'no comparison with data_end on this path proves any byte of it' : `the comparisons with data_end on this path prove only its first ${e.range === 1 ? 'byte' : `${e.range} bytes`}`;
    const fixText = `if (${guard}) ${returnConvention(e.fn)}`;
    const stmt = statementOf(e.node);
    out.push({
      rule: 'packet-bounds',
      severity: 'error',
      message: `${e.node.text} reads packet bytes ${e.off}..${end - 1}, but ${proven}. The verifier answers "invalid access to packet, off=${e.off} size=${e.size}, R<n>(id=0,off=${e.off},r=${e.range})" ("R<n> offset is outside of the packet"). Compare with data_end first: \`${fixText}\`.`,
      range: rangeOf(e.node),
      fixes: stmt ? eager([{ title: `Check ${end - e.baseOff} bytes at ${base} against data_end`, preferred: true, edits: [insertBefore(ctx.source, stmt, fixText)] }]) : undefined,
    });
  }
  return out;
}

export const packetBounds: UnsafeRule = {
  id: 'packet-bounds',
  description: 'A packet access (through a pointer derived from ctx->data) beyond what a comparison with data_end proved on the path.',
  defaultSeverity: 'error',
  check,
};
