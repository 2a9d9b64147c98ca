import type { RegValue } from '../state-model';
import type { InsnEffect } from './insn-effect';
import type { RawStep } from './slice';

const NARROWING = new Set(['&', '>>', 's>>', '%', '/']);
const upper = (v: RegValue | undefined): bigint | undefined => {
  const m = v?.constant ?? v?.ranges.umax;
  return m !== undefined && /^\d+$/.test(m) ? BigInt(m) : undefined;
};

/** What an ALU step did to the value's bounds: its new upper bound, whether it narrowed a scalar, its constant scale. */
export function aluFacts(e: Extract<InsnEffect, { kind: 'alu' }>, v: RegValue | undefined, before: () => RegValue | undefined): Partial<RawStep> {
  const facts: Partial<RawStep> = {};
  const max = upper(v);
  if (max !== undefined) facts.max = max;
  if (v?.type === 'scalar' && max !== undefined && NARROWING.has(e.op)) {
    const was = before();
    const wasMax = was?.type === 'scalar' ? upper(was) : undefined;
    if (was?.type === 'scalar' && (wasMax === undefined || max < wasMax)) facts.narrowed = true;
  }
  const imm = e.imm !== null && /^\d+$/.test(e.imm) ? BigInt(e.imm) : null;
  if (imm !== null && e.op === '<<' && imm < 32n) facts.scale = 1n << imm;
  if (imm !== null && e.op === '*') facts.scale = imm;
  return facts;
}
