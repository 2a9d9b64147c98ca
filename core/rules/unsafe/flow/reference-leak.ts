import { rangeOf } from '../../../source/range';
import type { Finding } from '../../finding';
import type { UnsafeRule, UnsafeRuleContext } from '../rule';
import { analyzeFlow } from './analysis';
import { callArgs } from './functions';
import { assignedName, insertBefore, lineOf, eager } from './rule-support';

/** The release call for a reference held in `name`. */
function releaseCall(release: string, name: string): string {
  if (release.endsWith('_dynptr')) return `${release}(&${name}, 0);`;
  return /ringbuf/.test(release) ? `${release}(${name}, 0);` : `${release}(${name});`;
}

function check(ctx: UnsafeRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const e of analyzeFlow(ctx).events) {
    if (e.kind !== 'leak') continue;
    const { origin, release = [] } = e.fact;
    const dynptr = origin.what.endsWith('_dynptr');
    const dynArg = dynptr ? callArgs(origin.node)[3]?.text.replace(/^&\s*/, '') : undefined;
    const name = dynArg ?? assignedName(origin.node);
    const how = release.map((r) => `${r}()`).join(' or ');
    const at = e.exit.type === 'return_statement' ? 'this return' : `the end of ${e.fn.name}()`;
    const first = release.find((r) => /discard/.test(r)) ?? release[0]; // an early way out abandons the record
    out.push({
      rule: 'reference-leak',
      severity: 'error',
      message: `${name ?? 'the reference'} from ${origin.what}() on line ${lineOf(origin.node)} is still held at ${at}: on this path it is neither ${dynptr ? 'submitted nor discarded' : 'released'} (${how}). The verifier answers "Unreleased reference id=<n> alloc_insn=<m>" at the program's exit.${dynptr ? ' A dynptr reservation must be discarded even when the reserve failed.' : ''}`,
      range: rangeOf(e.exit),
      related: [{ message: `acquired here by ${origin.what}()`, range: rangeOf(origin.node) }],
      fixes: name && first && e.exit.type === 'return_statement'
        ? eager([{ title: `Call ${first}() before returning`, preferred: true, edits: [insertBefore(ctx.source, e.exit, releaseCall(first, name))] }])
        : undefined,
    });
  }
  return out;
}

export const referenceLeak: UnsafeRule = {
  id: 'reference-leak',
  description: 'A reserved ring-buffer record or an acquired reference (socket lookup, task/cgroup acquire, bpf_obj_new, dynptr reserve) not released on every path out.',
  defaultSeverity: 'error',
  check,
};
