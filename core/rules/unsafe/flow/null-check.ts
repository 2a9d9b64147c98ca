import type { Node } from 'web-tree-sitter';
import { unparen } from './node-cache';
import { rangeOf } from '../../../source/range';
import type { Finding, Severity } from '../../finding';
import type { UnsafeRule, UnsafeRuleContext } from '../rule';
import { analyzeFlow } from './analysis';
import type { FlowEvent } from './events';
import { callArgs } from './functions';
import { assignedName, insertAfter, lineOf, returnConvention, statementOf, eager } from './rule-support';

type NullEvent = Extract<FlowEvent, { kind: 'null-deref' }>;


/** The pointer expression being used: `count` in `*count`, `s` in `s->packets`, the argument itself. */
function usedPointer(e: NullEvent): string {
  const n = e.node;
  const base = n.type === 'field_expression' || n.type === 'subscript_expression' ? n.childForFieldName('argument')
    : n.type === 'pointer_expression' ? n.childForFieldName('argument') : n;
  return unparen(base ?? n).text;
}

/** An array map looked up with a constant key: newer verifiers may know the value exists. */
function constantArrayLookup(ctx: UnsafeRuleContext, call: Node): boolean {
  const [mapArg, keyArg] = callArgs(call);
  const map = mapArg && /^&\s*(\w+)$/.exec(mapArg.text)?.[1];
  const decl = ctx.model.maps.find((m) => m.name === map);
  if (!decl || !/^BPF_MAP_TYPE_(?:PERCPU_)?ARRAY$/.test(decl.mapType ?? '') || !keyArg) return false;
  const key = /^&\s*(\w+)$/.exec(keyArg.text)?.[1];
  return !!key && new RegExp(`\\b${key}\\s*=\\s*\\d+\\s*;`).test(ctx.source.slice(0, call.startIndex));
}

function check(ctx: UnsafeRuleContext): Finding[] {
  const out: Finding[] = [];
  for (const e of analyzeFlow(ctx).events) {
    if (e.kind !== 'null-deref') continue;
    const { origin } = e.fact;
    const p = usedPointer(e);
    const regType = origin.regType ?? 'map_value_or_null';
    const isGlobalArg = origin.what.startsWith('argument ');
    const source = isGlobalArg
      ? `${p} is ${origin.what}: the verifier checks a global function on its own, and a pointer argument may be NULL there`
      : `${p} comes from ${origin.what}() on line ${lineOf(origin.node)}${origin.via ? ` (returned by ${origin.via.name}())` : ''}, which returns NULL when it fails, and no check on this path rules that out`;
    const answer = e.how === 'arg'
      ? `"R<n> type=${regType} expected=..." (the helper wants a non-NULL pointer)`
      : `"R<n> invalid mem access '${regType}'"`;
    const use = e.how === 'callee'
      ? `${e.callee!.name}() dereferences it (line ${lineOf(e.callee!.node)}) without a NULL check`
      : e.how === 'arg' ? 'it is passed where a non-NULL pointer is required' : 'it is dereferenced here';
    let severity: Severity = 'error';
    let kernels = '';
    if (origin.what === 'bpf_map_lookup_elem' && constantArrayLookup(ctx, origin.node)) {
      severity = 'warning';
      kernels = ' (An array map looked up with a constant key: since 6.14 the verifier drops the NULL case when it sees the key as a constant in range ("Support eliding map lookup nullness"; it does for a zeroed key, not always for a stored immediate); older kernels reject it.)';
    }
    const site = origin.via?.call ?? origin.node; // where the pointer enters this function: the check goes after it
    const name = isGlobalArg ? undefined : assignedName(site);
    const stmt = statementOf(site);
    const fixText = isGlobalArg ? `if (!${p}) return ...;` : `if (!${name ?? p}) ${returnConvention(e.fn)}`;
    out.push({
      rule: 'null-check',
      severity,
      message: `${p} may be NULL here: ${source}; ${use}. The verifier answers ${answer}. Check it first: \`${fixText}\`${isGlobalArg ? ' (or tag the argument __arg_nonnull, 6.8+)' : ' after the call'}.${kernels}`,
      range: rangeOf(e.node),
      related: [{ message: isGlobalArg ? `${e.fn.name}() is a global function` : `${origin.what}() may return NULL`, range: rangeOf(origin.node) },
        ...(e.callee ? [{ message: `${e.callee.name}() dereferences its argument here`, range: rangeOf(e.callee.node) }] : [])],
      fixes: name && stmt && (stmt.type === 'declaration' || stmt.type === 'expression_statement')
        ? eager([{ title: `Return early when ${name} is NULL`, preferred: true, edits: [insertAfter(ctx.source, stmt!, fixText)] }])
        : undefined,
    });
  }
  return out;
}

export const nullCheck: UnsafeRule = {
  id: 'null-check',
  description: 'A pointer that may be NULL (map lookup, ring buffer reserve, socket lookup, acquired kfunc result) used without a check on some path.',
  defaultSeverity: 'error',
  check,
};
