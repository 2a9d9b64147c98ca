import type { InsnEffect } from './insn-effect';

/** What the verifier refused: a register, a stack slot, or a reference the program still held at an exit. */
export type FailingTarget =
  | { kind: 'register'; reg: number }
  | { kind: 'stack'; off: number }
  | { kind: 'leak'; refId: number; allocInsn: number | null }
  | { kind: 'none' };

const LEAK_RE = /Unreleased reference id=(\d+)(?: alloc_insn=(\d+))?/;
const REG_FIRST_RE = /^R(\d+)\b/;
const REG_PAREN_RE = /[ ,]R(\d+)\(/;
const REG_ANY_RE = /\bR(\d+)\b/;
const STACK_RE = /(?:invalid (?:indirect )?read from stack|uninit stack)[^\n]*? off (-\d+)/;

/** The failing value, from the message lines and the reject's instruction. */
export function failingTarget(messageLines: string[], rejectEffect: InsnEffect | null): FailingTarget {
  const text = messageLines.join('\n');
  const leak = LEAK_RE.exec(text);
  if (leak) return { kind: 'leak', refId: Number(leak[1]), allocInsn: leak[2] !== undefined ? Number(leak[2]) : null };
  for (const l of messageLines) {
    const m = REG_FIRST_RE.exec(l) ?? REG_PAREN_RE.exec(l);
    if (m && m[1] !== '10') return { kind: 'register', reg: Number(m[1]) };
  }
  const stack = STACK_RE.exec(text);
  const named = REG_ANY_RE.exec(text);
  if (named && named[1] !== '10') return { kind: 'register', reg: Number(named[1]) };
  if (stack) return { kind: 'stack', off: Number(stack[1]) };
  // `invalid access to map value, value_size=8 off=8 size=8`: the pointer the access went through
  if (rejectEffect && (rejectEffect.kind === 'load' || rejectEffect.kind === 'store') && rejectEffect.base !== 10) {
    return { kind: 'register', reg: rejectEffect.base };
  }
  return { kind: 'none' };
}

/** Bytes a packet access needs, from `invalid access to packet, off=12 size=2`: off + size. */
export function packetBytesNeeded(messageLines: string[]): number | null {
  const m = /invalid access to packet, off=(-?\d+) size=(\d+)/.exec(messageLines.join('\n'));
  return m ? Number(m[1]) + Number(m[2]) : null;
}
