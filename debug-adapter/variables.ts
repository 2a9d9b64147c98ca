import type { DebugProtocol } from '@vscode/debugprotocol';
import type { VerifiedProgram } from '../core/verify/verify-object';

function leaf(name: string, value: string): DebugProtocol.Variable {
  return { name, value, variablesReference: 0 };
}

/** The reject's facts as variables (registers and stack arrive with the state model). */
export function rejectVariables(p: VerifiedProgram): DebugProtocol.Variable[] {
  const r = p.report;
  const vars = [leaf('verdict', r.verdict), leaf('message', r.message ?? '')];
  if (r.errnoName) vars.push(leaf('errno', `${r.errnoName} (${r.errno})`));
  if (r.insn !== null) vars.push(leaf('instruction', `${r.insn}: ${p.summary.insnText ?? ''}`));
  if (r.stats.processedInsns !== undefined) vars.push(leaf('processed insns', String(r.stats.processedInsns)));
  if (r.stats.stackDepth !== undefined) vars.push(leaf('stack depth', r.stats.stackDepth));
  if (r.stats.verificationTimeUs !== undefined) vars.push(leaf('verification time', `${r.stats.verificationTimeUs} µs`));
  vars.push(leaf('log bytes', String(r.logBytes)));
  return vars;
}
