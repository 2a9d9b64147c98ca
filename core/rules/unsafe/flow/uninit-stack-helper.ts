import { CLayoutEngine } from '../../../layout/c-layout';
import { rangeOf } from '../../../source/range';
import type { Finding } from '../../finding';
import type { UnsafeRule, UnsafeRuleContext } from '../rule';
import { analyzeFlow } from './analysis';
import { eager } from './rule-support';

/** Names the unwritten bytes (the padding after a member, or the members left unwritten) and says whether they are all padding. */
function describeHoles(ctx: UnsafeRuleContext, typeText: string, holes: [number, number][]): { text: string; paddingOnly: boolean } {
  const tag = /^(struct|union)\s+(\w+)$/.exec(typeText);
  const engine = new CLayoutEngine(ctx.model);
  const rec = tag ? engine.findRecord(tag[1] as 'struct' | 'union', tag[2]) : undefined;
  const layout = rec ? engine.structLayout(rec) : undefined;
  let paddingOnly = !!layout?.ok;
  const text = holes.map(([a, b]) => {
    const bytes = b - a === 1 ? `byte ${a}` : `bytes ${a}-${b - 1}`;
    if (!layout?.ok) return bytes;
    const fields = layout.value.fields;
    const inside = fields.filter((f) => f.offset < b && f.offset + f.size > a).map((f) => f.name);
    if (inside.length > 0) {
      paddingOnly = false;
      return `${bytes} (${inside.join(', ')})`;
    }
    const before = [...fields].reverse().find((f) => f.offset + f.size <= a);
    return `${bytes} (padding${before ? ` after ${before.name}` : ''})`;
  }).join(', ');
  return { text, paddingOnly };
}

function check(ctx: UnsafeRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const e of analyzeFlow(ctx).events) {
    if (e.kind !== 'uninit-read') continue;
    const { text: what, paddingOnly } = describeHoles(ctx, e.typeText, e.holes);
    const declarator = e.decl;
    const canInit = declarator.type === 'identifier' || declarator.type === 'array_declarator';
    out.push({
      rule: 'uninit-stack-helper',
      // padding only: root on 6.3+ loads it, and the padding rules already speak of the layout; a member left unset is more
      severity: paddingOnly ? 'info' : 'warning',
      message: `${e.helper}() reads ${e.size} bytes of ${e.local} (${e.typeText}), and ${what} may be unwritten on this path. The verifier answers "invalid read from stack R<n> off -<k>+<i> size ${e.size}" (older kernels: "invalid indirect read from stack") for a loader without CAP_PERFMON on every kernel, and for root too before 6.3; since 6.3 CAP_PERFMON may read uninitialised stack, so root loads it${paddingOnly ? ' (only padding is unwritten: info)' : ', with whatever the stack held in those bytes'}. Initialise it: \`${e.typeText.replace(/\[.*$/, '')} ${e.local}${e.typeText.includes('[') ? e.typeText.slice(e.typeText.indexOf('[')) : ''} = {};\` or __builtin_memset() it before filling the members.`,
      range: rangeOf(e.arg),
      related: [{ message: `${e.local} is declared here without an initialiser`, range: rangeOf(declarator) }],
      fixes: canInit ? eager([{ title: `Zero-initialise ${e.local} (= {})`, preferred: true, edits: [{ range: { start: rangeOf(declarator).end, end: rangeOf(declarator).end }, newText: ' = {}' }] }]) : undefined,
    });
  }
  return out;
}

export const uninitStackHelper: UnsafeRule = {
  id: 'uninit-stack-helper',
  description: 'Stack memory passed to a helper that reads it (map key/value, perf/ring buffer output, skb_store_bytes source) while some bytes, padding included, may be unwritten.',
  defaultSeverity: 'warning',
  check,
};
