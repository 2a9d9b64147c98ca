import { rangeOf } from '../../../source/range';
import type { Finding } from '../../finding';
import type { UnsafeRule, UnsafeRuleContext } from '../rule';
import { analyzeFlow } from './analysis';
import { insertBefore, eager } from './rule-support';
import { pragmaUnrollFindings } from './pragma-unroll';

function check(ctx: UnsafeRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const e of analyzeFlow(ctx).events) {
    if (e.kind !== 'unbounded-loop') continue;
    const bound = e.bound.text;
    const clamp = `if (${bound} > 256) ${bound} = 256;`;
    const canClamp = e.bound.type === 'identifier';
    out.push({
      rule: 'unbounded-loop',
      severity: 'error',
      message: `The loop runs up to ${bound}, which comes from ${e.origin.what} with no bound the verifier can see: it follows the loop once per possible value and gives up ("BPF program is too large. Processed 1000001 insn"; kernels before 5.3 reject any loop: "back-edge from insn X to Y"). Clamp the bound first (\`${clamp}\`, with the real maximum), or iterate with bpf_for(i, 0, ${bound}) (6.4+) or bpf_loop() (5.17+).`,
      range: rangeOf(e.bound),
      related: [{ message: `${bound} comes from ${e.origin.what}`, range: rangeOf(e.origin.node) }],
      fixes: canClamp ? eager([{ title: `Clamp ${bound} before the loop (pick the real maximum)`, edits: [insertBefore(ctx.source, e.loop, clamp)] }]) : undefined,
    });
  }
  return [...out, ...pragmaUnrollFindings(ctx)];
}

export const unboundedLoop: UnsafeRule = {
  id: 'unbounded-loop',
  description: 'A loop whose bound the verifier cannot prove (read from a map, the context or a helper without a clamp), or a #pragma unroll of a very large constant trip count.',
  defaultSeverity: 'error',
  check,
};
