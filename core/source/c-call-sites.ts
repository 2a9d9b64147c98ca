import type { Node } from 'web-tree-sitter';
import type { CFileModel, CTypeRef } from './c-model';
import { argumentVariable, type FunctionWrites } from './c-struct-writes';
import { KEY_HELPERS, OUTPUT_HELPERS, resultVariable, typeText } from './c-syntax';
import { parseTypeText } from './c-type-text';
import { rangeOf } from './range';

/** The function a call is in: how its variables' bytes are written, and where it ends. */
export interface FunctionScope { facts: FunctionWrites; end: number }

/** What a call site needs from the extractor: the model it fills, the function's writes, variables' types, sizeof. */
export interface CallSiteContext {
  model: CFileModel;
  writes: FunctionScope;
  lookupVar(name: string): CTypeRef | undefined;
  sizeofType(expr: string): string | null;
}

/**
 * A ring buffer / perf buffer output call: the struct its data or size argument names, and whether its padding
 * holds zeroes. A call to another function with a `sizeof` argument, stored in a pointer, may be a reserve wrapper
 * (`e = reserve_buf(sizeof(*e))`): kept with `via`, an event once the unit's functions say so.
 */
export function readCallSite(call: Node, ctx: CallSiteContext): void {
  const callee = call.childForFieldName('function')?.text ?? '';
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  if (KEY_HELPERS.has(callee)) return keyCall(call, callee, args, ctx);
  const helper = OUTPUT_HELPERS[callee];
  const target = resultVariable(call);
  if (!helper) {
    if (/^(?:bpf_|__builtin_)/.test(callee) || !/^\w+$/.test(callee)) return;
    callArguments(call, callee, args, ctx);
    if (!target) return;
    const sized = args.map((a) => (a.type === 'sizeof_expression' ? ctx.sizeofType(a.text.trim()) : null)).find((t) => t !== null);
    if (sized) ctx.model.events.push({ type: parseTypeText(sized), helper: call.text.replace(/\s+/g, ' '), range: rangeOf(call), via: callee, init: ctx.writes.facts.stateAt(target, ctx.writes.end) });
    return;
  }
  let text = args[helper.size] ? ctx.sizeofType(args[helper.size].text.trim()) : null;
  const data = helper.data !== undefined ? /^&?\s*(\w+)$/.exec(args[helper.data]?.text.trim() ?? '') : null;
  if (!text && data) {
    const t = ctx.lookupVar(data[1]);
    const pointee = t && (args[helper.data!].text.trim().startsWith('&') ? t : t.kind === 'pointer' ? t.to : null);
    text = pointee ? typeText(pointee) : null;
  }
  if (!text) return;
  // what was written into the bytes sent: the data argument's variable where the call is, or a reservation's by the end
  const sent = data ? data[1] : target;
  const init = sent ? ctx.writes.facts.stateAt(sent, data ? call.startIndex : ctx.writes.end) : undefined;
  ctx.model.events.push({ type: parseTypeText(text), helper: call.text.replace(/\s+/g, ' '), range: rangeOf(call), ...(init ? { init } : {}) });
}

/** Struct variables handed to one of the file's functions (`count(&m, &key)`), for following its parameters. */
function callArguments(call: Node, callee: string, args: Node[], ctx: CallSiteContext): void {
  args.forEach((a, index) => {
    const v = argumentVariable(a);
    const t = v ? ctx.lookupVar(v.name) : undefined;
    const type = t && (v!.address ? t : t.kind === 'pointer' ? t.to : null);
    if (!type || (type.kind !== 'record' && type.kind !== 'named')) return;
    (ctx.model.callArgs ??= []).push({ callee, index, init: ctx.writes.facts.stateAt(v!.name, call.startIndex), range: rangeOf(call) });
  });
}

/** `bpf_map_update_elem(&flows, &key, ...)`: the key's variable, its struct type and how its bytes were filled. */
function keyCall(call: Node, callee: string, args: Node[], ctx: CallSiteContext): void {
  if (!args[1]) return;
  const map = argumentVariable(args[0]);
  const mapName = map?.address ? map.name : null;
  // bpf_map_update_elem's value: its bytes, padding included, are what user space reads back
  const value = callee === 'bpf_map_update_elem' ? argumentVariable(args[2]) : null;
  const vt = value ? ctx.lookupVar(value.name) : undefined;
  const vtype = vt && (value!.address ? vt : vt.kind === 'pointer' ? vt.to : null);
  if (value && vtype) {
    (ctx.model.valueUses ??= []).push({ map: mapName, type: vtype, helper: callee, init: ctx.writes.facts.stateAt(value.name, call.startIndex), range: rangeOf(call) });
  }
  const key = argumentVariable(args[1]);
  const t = key ? ctx.lookupVar(key.name) : undefined;
  const type = t && (key!.address ? t : t.kind === 'pointer' ? t.to : null);
  if (key && type) {
    (ctx.model.keyUses ??= []).push({ map: mapName, type, helper: callee, init: ctx.writes.facts.stateAt(key.name, call.startIndex), range: rangeOf(call) });
  } else if (mapName) {
    // `&keys[i]`, `&e->key`: a use of the map's key that this tool does not follow (so no "nothing uses it")
    (ctx.model.keyUses ??= []).push({ map: mapName, helper: callee, range: rangeOf(call),
      init: { state: 'unknown', why: `the key is ${args[1].text.replace(/\s+/g, ' ').slice(0, 40)}, which this tool does not follow` } });
  }
}
