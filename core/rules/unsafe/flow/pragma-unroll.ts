import { positionAt } from '../../../source/range';
import type { Finding } from '../../finding';
import type { UnsafeRuleContext } from '../rule';
import { FlowTypes } from './types';

/** Beyond this many copies of the body, an unrolled program exceeds the 4,096 instructions an unprivileged loader may load. */
const UNROLL_LIMIT = 4096;

const PRAGMA = /^[ \t]*#[ \t]*pragma[ \t]+(?:unroll|clang[ \t]+loop[ \t]+unroll\(full\)|GCC[ \t]+unroll[ \t]+\d+)[^\n]*\n\s*for\s*\(([^;]*);([^;]*);/gm;

/** `#pragma unroll` on a loop with a large constant trip count: the program grows by a copy of the body per iteration. */
export function pragmaUnrollFindings(ctx: UnsafeRuleContext): Finding[] {
  if (!ctx.source.includes('pragma')) return [];
  const types = new FlowTypes(ctx.model);
  const out: Finding[] = [];
  PRAGMA.lastIndex = 0;
  for (let m = PRAGMA.exec(ctx.source); m; m = PRAGMA.exec(ctx.source)) {
    const start = /=\s*(\d+)\s*$/.exec(m[1])?.[1];
    const bound = /^\s*\w+\s*(<=?)\s*(\w+)\s*$/.exec(m[2]);
    if (start === undefined || !bound) continue;
    const limit = /^\d+$/.test(bound[2]) ? Number(bound[2]) : types.constant(bound[2]);
    if (limit === undefined) continue;
    const trips = limit - Number(start) + (bound[1] === '<=' ? 1 : 0);
    if (trips < UNROLL_LIMIT) continue;
    const at = positionAt(ctx.source, m.index + m[0].search(/\S/));
    out.push({
      rule: 'unbounded-loop',
      severity: 'warning',
      message: `#pragma unroll asks clang for ${trips} copies of the loop body: the program then exceeds the 4,096 instructions an unprivileged loader may load ("BPF program is too large"), and a large body reaches the 1,000,000 a privileged one may. Since 5.3 the verifier accepts the bounded loop itself: drop the pragma, or use bpf_for() (6.4+) or bpf_loop() (5.17+).`,
      range: { start: at, end: { line: at.line, character: at.character + m[0].trimStart().indexOf('\n') } },
      fixes: () => [{ title: 'Remove #pragma unroll (the verifier accepts bounded loops since 5.3)', edits: [{ range: { start: { line: at.line, character: 0 }, end: { line: at.line + 1, character: 0 } }, newText: '' }] }],
    });
  }
  return out;
}
