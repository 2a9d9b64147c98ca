/**
 * What the Variables view and a hover show of a stopped path: a frame's scopes (its registers and stack at that step,
 * and at the reject the Reject and Why scopes) and a register or stack slot by name. `create` hands out the
 * session's variables references.
 */
import { Scope } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ProgramTrace } from './runtime/program-trace';
import { describeValue, type VarNode } from './variables';

type Create = (node: VarNode) => number;

/** The scopes of frame `depth` (0: the innermost) at the trace's cursor. */
export function scopesOf(t: ProgramTrace, depth: number, create: Create): Scope[] {
  const scopes: Scope[] = [];
  const frame = t.frames(t.cursor)[depth];
  const state = frame && t.state(frame.step)?.state; // a caller's registers are those at its call instruction
  if (state) {
    scopes.push(new Scope('Registers', create({ kind: 'registers', state }), false));
    scopes.push(new Scope('Stack', create({ kind: 'stack', state }), false));
    if (state.refs.length > 0) scopes.push(new Scope('References', create({ kind: 'refs', state }), false));
  }
  const atReject = depth === 0 && t.rejected && t.cursor === t.length - 1;
  if (atReject) scopes.push(new Scope('Reject', create({ kind: 'reject', program: t.program }), false));
  const why = t.program.report;
  if (atReject && ((why.causalPath?.length ?? 0) > 0 || (why.hotLines?.length ?? 0) > 0)) scopes.push(new Scope('Why', create({ kind: 'why', why }), false));
  return scopes;
}

/** `r0`..`r10` or `fp-8` at the trace's cursor (a hover, the Debug Console); anything else says what it takes. */
export function evaluateAt(t: ProgramTrace | undefined, expression: string, create: Create): DebugProtocol.EvaluateResponse['body'] {
  const st = t?.state(t.cursor)?.state;
  const m = /^\s*(?:[rR](\d+)|(fp-\d+))\s*$/.exec(expression);
  const reg = m && st ? (m[1] !== undefined ? st.regs.get(Number(m[1])) : undefined) : undefined;
  const slot = m && st && m[2] ? st.stack.get(Number(m[2].slice(2))) : undefined;
  if (reg) return { result: describeValue(reg.value), variablesReference: create({ kind: 'reg', value: reg.value }) };
  if (slot) return { result: slot.raw, variablesReference: create({ kind: 'slot', slot }) };
  return { result: st ? `not a register or stack slot at insn ${t!.insns[t!.cursor]}` : 'not stopped', variablesReference: 0 };
}
