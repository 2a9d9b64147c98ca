import { CLayoutEngine } from '../../../layout/c-layout';
import { rangeOf } from '../../../source/range';
import type { Finding } from '../../finding';
import type { UnsafeRule, UnsafeRuleContext } from '../rule';
import { analyzeFlow } from './analysis';
import { eager } from './rule-support';

/** Names the unwritten bytes: the padding after a member, or the members left unwritten. */
function describeHoles(ctx: UnsafeRuleContext, typeText: string, holes: [number, number][]): string {
  const tag = /^(struct|union)\s+(\w+)$/.exec(typeText);
  const engine = new CLayoutEngine(ctx.model);
  const rec = tag ? engine.findRecord(tag[1] as 'struct' | 'union', tag[2]) : undefined;
  const layout = rec ? engine.structLayout(rec) : undefined;
  return holes.map(([a, b]) => {
    const bytes = b - a === 1 ? `byte ${a}` : `bytes ${a}-${b - 1}`;
    if (!layout?.ok) return bytes;
    const fields = layout.value.fields;
    const inside = fields.filter((f) => f.offset < b && f.offset + f.size > a).map((f) => f.name);
    if (inside.length > 0) return `${bytes} (${inside.join(', ')})`;
    const before = [...fields].reverse().find((f) => f.offset + f.size <= a);
    return `${bytes} (padding${before ? ` after ${before.name}` : ''})`;
  }).join(', ');
}

function check(ctx: UnsafeRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const e of analyzeFlow(ctx).events) {
    if (e.kind !== 'uninit-read') continue;
    const what = describeHoles(ctx, e.typeText, e.holes);
    const declarator = e.decl;
    const canInit = declarator.type === 'identifier' || declarator.type === 'array_declarator';
    out.push({
      rule: 'uninit-stack-helper',
      severity: 'warning',
      message: `${e.helper}() reads ${e.size} bytes of ${e.local} (${e.typeText}), and ${what} may be unwritten on this path. The verifier answers "invalid indirect read from stack R<n> off -<k>+<i> size ${e.size}" ("invalid read from stack" on 6.x): on every kernel for a loader without CAP_PERFMON, and before 6.3 for root too (6.3+ lets CAP_PERFMON read uninitialised stack). Initialise it: \`${e.typeText.replace(/\[.*$/, '')} ${e.local}${e.typeText.includes('[') ? e.typeText.slice(e.typeText.indexOf('[')) : ''} = {};\` or __builtin_memset() it before filling the members.`,
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
