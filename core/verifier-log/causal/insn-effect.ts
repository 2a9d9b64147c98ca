/**
 * What one instruction, as the verifier prints it, reads and writes: enough for a backward slice through
 * registers and stack slots. The printed syntax is the kernel's (kernel/bpf/disasm.c), stable since 5.x.
 */
export type InsnEffect =
  /** `r1 = r2`, `w1 = w2`, `r1 = (s8)r2`. */
  | { kind: 'move'; dst: number; src: number }
  /** `r1 = 0`, `r1 = 0xffff…` (ld_imm64: a map or a constant), `r1 = map[id:3]`. */
  | { kind: 'const'; dst: number; text: string }
  /** `r1 += r2`, `r1 &= 7`, `r1 <<= 32`, `r1 = -r1`, `r1 = be16 r1`: dst keeps its role, src (a register) joins. */
  | { kind: 'alu'; dst: number; op: string; src: number | null; imm: string | null }
  /** `r1 = *(u32 *)(r6 +12)`: a load; from the stack (base r10) it is a fill. */
  | { kind: 'load'; dst: number; base: number; off: number; size: number }
  /** `*(u64 *)(r10 -8) = r1` or `= 0`: a store; to the stack (base r10) it is a spill. */
  | { kind: 'store'; base: number; off: number; size: number; src: number | null; imm: string | null }
  /** `if r1 > r2 goto pc+3`, `if w0 == 0x0 goto …`. */
  | { kind: 'branch'; regs: number[]; text: string }
  /** `call bpf_map_lookup_elem#1` (helper/kfunc) or `call pc+5` (a subprogram). */
  | { kind: 'call'; name: string; subprogram: boolean }
  | { kind: 'exit' }
  /** Anything else (`goto`, `may_goto`, atomics, `addr_space_cast`): no register the slice follows. */
  | { kind: 'other'; dst: number | null };

const SIZE: Record<string, number> = { u8: 1, u16: 2, u32: 4, u64: 8, s8: 1, s16: 2, s32: 4, s64: 8 };

const LOAD_RE = /^[rw](\d+) = \*\((\w+) \*\)\(r(\d+) ([+-]\d+)\)$/;
const STORE_RE = /^\*\((\w+) \*\)\(r(\d+) ([+-]\d+)\) = (?:[rw](\d+)|(\S+))$/;
const MOVE_RE = /^[rw](\d+) = (?:\([su]\d+\))?[rw](\d+)$/;
const ALU_RE = /^[rw](\d+) (s?>>|<<|[-+*/%&|^]|s[/%])= (?:[rw](\d+)|(\S+))$/;
const UNARY_RE = /^[rw](\d+) = (?:-[rw](\d+)|(?:be|le|bswap)\d+ [rw](\d+))$/;
const CONST_RE = /^[rw](\d+) = (.+)$/;
const BRANCH_RE = /^if [rw](\d+) \S+ (?:[rw](\d+)|\S+) goto/;
const CALL_RE = /^call (\S+)$/;
const DST_RE = /^[rw](\d+) = /;

export function insnEffect(text: string): InsnEffect {
  let m = LOAD_RE.exec(text);
  if (m) return { kind: 'load', dst: Number(m[1]), base: Number(m[3]), off: Number(m[4]), size: SIZE[m[2]] ?? 8 };
  m = STORE_RE.exec(text);
  if (m) return { kind: 'store', base: Number(m[2]), off: Number(m[3]), size: SIZE[m[1]] ?? 8, src: m[4] !== undefined ? Number(m[4]) : null, imm: m[5] ?? null };
  m = MOVE_RE.exec(text);
  if (m) return { kind: 'move', dst: Number(m[1]), src: Number(m[2]) };
  m = ALU_RE.exec(text);
  if (m) return { kind: 'alu', dst: Number(m[1]), op: m[2], src: m[3] !== undefined ? Number(m[3]) : null, imm: m[4] ?? null };
  m = UNARY_RE.exec(text);
  if (m) return { kind: 'alu', dst: Number(m[1]), op: text.includes('-') ? 'neg' : 'bswap', src: null, imm: null };
  m = BRANCH_RE.exec(text);
  if (m) return { kind: 'branch', regs: m[2] !== undefined ? [Number(m[1]), Number(m[2])] : [Number(m[1])], text };
  m = CALL_RE.exec(text);
  if (m) return { kind: 'call', name: m[1].replace(/#\d+$/, ''), subprogram: /^pc[+-]\d+$/.test(m[1]) };
  if (text === 'exit') return { kind: 'exit' };
  m = CONST_RE.exec(text);
  if (m && !m[2].includes('(') && !m[2].includes('*')) return { kind: 'const', dst: Number(m[1]), text: m[2] };
  m = DST_RE.exec(text);
  return { kind: 'other', dst: m ? Number(m[1]) : null };
}

/** The C operator an ALU op stands for, as a user would write it (`<<=` is `<<`). */
export function aluOperator(op: string): string {
  return op === 'neg' ? '-' : op === 'bswap' ? 'byte swap' : op.replace(/^s(?=[/%>])/, '');
}
