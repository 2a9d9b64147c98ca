import type { DebugProtocol } from '@vscode/debugprotocol';
import { Source } from '@vscode/debugadapter';
import path from 'node:path';
import { parseInsnLine } from '../core/verifier-log/insn-line';
import type { ProgramTrace } from './runtime/program-trace';

/** Instruction addresses are byte offsets in the loaded program: instruction i is at 8*i. */
export const insnAddress = (insn: number) => `0x${(insn * 8).toString(16)}`;
export const addressInsn = (ref: string) => Math.floor(Number(BigInt(ref)) / 8);

/** The verifier's rendering of each instruction it printed, by index (the first time it printed it). */
function insnTexts(trace: ProgramTrace): Map<number, string> {
  const out = new Map<number, string>();
  const { index } = trace;
  for (let k = 0; k < index.insnLines.length && out.size < 1_000_000; k++) {
    const insn = index.insnIndex[k];
    if (!out.has(insn)) out.set(insn, parseInsnLine(index.text(index.insnLines[k]))?.text ?? '');
  }
  return out;
}

const cache = new WeakMap<ProgramTrace, Map<number, string>>();

/** `disassemble`: the instructions around an address with the source line each belongs to. */
export function disassemble(trace: ProgramTrace, args: DebugProtocol.DisassembleArguments): DebugProtocol.DisassembledInstruction[] {
  let texts = cache.get(trace);
  if (!texts) {
    texts = insnTexts(trace);
    cache.set(trace, texts);
  }
  const base = addressInsn(args.memoryReference) + Math.floor((args.offset ?? 0) / 8) + (args.instructionOffset ?? 0);
  const out: DebugProtocol.DisassembledInstruction[] = [];
  let lastLine = -1;
  for (let i = base; i < base + args.instructionCount; i++) {
    const text = i >= 0 ? texts.get(i) : undefined;
    if (i < 0 || text === undefined) {
      out.push({ address: insnAddress(Math.max(0, i)), instruction: i < 0 ? '' : '(not reached by the verifier on this run)', presentationHint: 'invalid' });
      continue;
    }
    const loc = trace.map?.location(i);
    const ins: DebugProtocol.DisassembledInstruction = { address: insnAddress(i), instruction: text, symbol: loc?.function };
    if (loc && !loc.approximate && loc.line !== lastLine) {
      ins.location = new Source(path.basename(loc.file), loc.file);
      ins.line = loc.line;
      ins.column = loc.column || 1;
      lastLine = loc.line;
    }
    out.push(ins);
  }
  return out;
}
