/** Details of one instruction line, parsed on demand (the index only knows where it is). */
export interface InsnLine {
  insn: number;
  opcode: number;
  /** The instruction as the verifier prints it, e.g. `r1 = *(u64 *)(r0 +0)`. */
  text: string;
  /** The `; R0=… R1=…` state suffix (5.17+): the registers this instruction changed. */
  state: string | null;
  /** Level-1 quirk: after a rewind the popped state is glued to the branch line: `11: (15) if … goto pc+4 16: R0=…`. */
  glued: { insn: number; state: string } | null;
}

const INSN_RE = /^(\d+): \(([0-9a-f]{2})\) (.*?)(?: +;(.*))?$/;
const GLUED_RE = /^(.*?) (\d+):((?: frame\d+:)?(?: (?:R\d+|fp-?\d+)(?:_[rwD]+)?=.*)?)$/;

const POISONED_RE = /^(\d+): (<[^>]*>)$/;

export function parseInsnLine(line: string): InsnLine | null {
  const m = INSN_RE.exec(line);
  if (!m) {
    const p = POISONED_RE.exec(line); // libbpf's rewrite of an instruction it poisoned
    return p ? { insn: Number(p[1]), opcode: -1, text: p[2], state: null, glued: null } : null;
  }
  let text = m[3];
  let glued: InsnLine['glued'] = null;
  const g = GLUED_RE.exec(text);
  if (g && g[3] !== undefined) {
    text = g[1];
    glued = { insn: Number(g[2]), state: g[3] };
  }
  return { insn: Number(m[1]), opcode: parseInt(m[2], 16), text, state: m[4] !== undefined ? m[4] : null, glued };
}

export const OPCODE_CALL = 0x85;
export const OPCODE_EXIT = 0x95;

/** `call pc+2` (a bpf-to-bpf call): the callee's first instruction, or null for helper and kfunc calls. */
export function bpfCallTarget(insn: number, text: string): number | null {
  const m = /^call pc([+-]\d+)$/.exec(text);
  return m ? insn + Number(m[1]) + 1 : null;
}
