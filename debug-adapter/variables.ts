import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FrameState, RegValue, StackSlot } from '../core/verifier-log/state-model';
import type { VerifiedProgram } from '../core/verify/verify-object';
import type { ReportWhy } from '../core/verifier-log/causal/why';

/** A variables container the session hands out references for. */
export type VarNode =
  | { kind: 'registers'; state: FrameState }
  | { kind: 'stack'; state: FrameState }
  | { kind: 'refs'; state: FrameState }
  | { kind: 'reg'; value: RegValue }
  | { kind: 'slot'; slot: StackSlot }
  | { kind: 'reject'; program: VerifiedProgram }
  /** The reject's causal path (origin first) or a complexity reject's hot lines. */
  | { kind: 'why'; why: Partial<ReportWhy> };

const leaf = (name: string, value: string, type?: string): DebugProtocol.Variable => ({ name, value, variablesReference: 0, ...(type ? { type } : {}) });

/** One line for a register: `scalar 0`, `map_value_or_null → counters (ks=4, vs=8) id=1`, `fp-8`. */
export function describeValue(v: RegValue): string {
  if (v.constant !== undefined) return `${v.precise ? 'P ' : ''}${v.constant}`;
  if (v.type === 'fp') return v.frameNo !== undefined ? `fp[${v.frameNo}]${v.off}` : `fp${v.off === 0 ? '0' : v.off}`;
  const parts: string[] = [];
  if (v.map) parts.push(`→ ${v.map.name ?? 'map'} (ks=${v.map.keySize ?? '?'}, vs=${v.map.valueSize ?? '?'})`);
  if (v.off) parts.push(`off=${v.off}`);
  if (v.range !== undefined) parts.push(`r=${v.range}`);
  if (v.size !== undefined) parts.push(`sz=${v.size}`);
  const r = v.ranges;
  if (r.umin !== undefined || r.umax !== undefined) parts.push(`[${r.umin ?? '0'}, ${r.umax ?? '…'}]`);
  else if (r.smin !== undefined || r.smax !== undefined) parts.push(`[${r.smin ?? '…'}, ${r.smax ?? '…'}]`);
  if (v.id) parts.push(`id=${v.id}`);
  if (v.refObjId) parts.push(`ref=${v.refObjId}`);
  return `${v.precise ? 'P ' : ''}${v.type}${parts.length ? ' ' + parts.join(' ') : ''}`;
}

function valueChildren(v: RegValue): DebugProtocol.Variable[] {
  const out = [leaf('type', v.type)];
  if (v.precise) out.push(leaf('precise', 'true'));
  if (v.constant !== undefined) out.push(leaf('value', v.constant));
  if (v.id !== undefined) out.push(leaf('id', String(v.id)));
  if (v.refObjId !== undefined) out.push(leaf('ref_obj_id', String(v.refObjId)));
  if (v.off !== undefined) out.push(leaf('off', String(v.off)));
  if (v.range !== undefined) out.push(leaf('r (packet range)', String(v.range)));
  if (v.size !== undefined) out.push(leaf('sz', String(v.size)));
  if (v.map) out.push(leaf('map', `${v.map.name ?? '?'} (key_size=${v.map.keySize ?? '?'}, value_size=${v.map.valueSize ?? '?'})`));
  for (const [k, val] of Object.entries(v.ranges)) out.push(leaf(k, val));
  if (v.varOff) out.push(leaf('var_off', `(${v.varOff.value}; ${v.varOff.mask})`));
  out.push(leaf('as printed', v.raw));
  return out;
}

/** The variables of a container; `ref` makes a reference for a child container. */
export function variablesOf(node: VarNode, ref: (n: VarNode) => number, place?: (l: { file: string; line: number; column: number | null }) => number): DebugProtocol.Variable[] {
  switch (node.kind) {
    case 'registers':
      return [...node.state.regs.values()].sort((a, b) => a.reg - b.reg).map((r) => ({
        name: `R${r.reg}`, value: describeValue(r.value), type: r.value.type, variablesReference: ref({ kind: 'reg', value: r.value }),
        ...(r.liveness ? { presentationHint: { attributes: [`liveness:${r.liveness}`] } } : {}),
      }));
    case 'stack':
      return [...node.state.stack.values()].sort((a, b) => b.offset - a.offset).map((s) => ({
        name: `fp${s.offset}`,
        value: s.spilled ? `${s.slotTypes ? s.slotTypes + ' ' : ''}${describeValue(s.spilled)}` : s.slotTypes ?? s.raw,
        variablesReference: ref({ kind: 'slot', slot: s }),
      }));
    case 'refs':
      return node.state.refs.map((id) => leaf(`ref ${id}`, 'acquired, not yet released'));
    case 'reg':
      return valueChildren(node.value);
    case 'slot': {
      const s = node.slot;
      const out: DebugProtocol.Variable[] = [];
      if (s.slotTypes) {
        // char i of the slot string describes byte fp(off + 7 - i)
        [...s.slotTypes].forEach((c, i) => out.push(leaf(`fp${s.offset + 7 - i}`, SLOT_NAMES[c] ?? c)));
      }
      if (s.spilled) out.push(...valueChildren(s.spilled).map((v) => ({ ...v, name: `spilled ${v.name}` })));
      out.push(leaf('as printed', s.raw));
      return out;
    }
    case 'reject': {
      const r = node.program.report;
      const vars = [leaf('verdict', r.verdict), leaf('message', r.message ?? '')];
      if (r.errnoName) vars.push(leaf('errno', `${r.errnoName} (${r.errno})`));
      if (r.insn !== null) vars.push(leaf('instruction', `${r.insn}: ${node.program.summary.insnText ?? ''}`));
      if (r.explanation) vars.push(leaf('explanation', r.explanation.explanation.replace('\n', ' ')), leaf('fix', r.explanation.fix));
      if (r.stats.processedInsns !== undefined) vars.push(leaf('processed insns', String(r.stats.processedInsns)));
      if (r.stats.stackDepth !== undefined) vars.push(leaf('stack depth', r.stats.stackDepth));
      return vars;
    }
    case 'why': {
      const where = (file: string | null, line: number | null) => `${file ? path.basename(file) : '?'}:${line ?? '?'}`;
      // each step is a place the editor can go to (`valueLocationReference`, resolved by the `locations` request)
      const vars = (node.why.causalPath ?? []).map((st, i) => ({
        ...leaf(`${i + 1}. ${st.role} ${where(st.file, st.line)}`, `${st.detail} (insn ${st.insn}: ${st.text})`, st.role),
        ...(st.file && st.line !== null && place ? { valueLocationReference: place({ file: st.file, line: st.line, column: st.column }) } : {}),
      }));
      for (const h of node.why.hotLines ?? []) vars.push(leaf(`hot ${where(h.file, h.line)}`, `${h.insns} insns${h.pruned ? `, ${h.pruned} paths pruned` : ''}`));
      if (node.why.suggestion) vars.push(leaf('suggestion', node.why.suggestion));
      return vars;
    }
  }
}

const SLOT_NAMES: Record<string, string> = {
  '?': 'invalid (never written)', r: 'spilled register', m: 'misc data', '0': 'zero', d: 'dynptr', i: 'iterator',
};
