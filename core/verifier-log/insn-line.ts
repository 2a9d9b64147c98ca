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
  /**
   * The same rewind, when the popped branch failed before its state was printed: the error (or the source
   * annotation the kernel prints before it) is glued instead: `30: (2d) if r2 > r3 goto pc-10 BPF program is too large. …`.
   */
  gluedMessage: string | null;
  gluedSource: string | null;
}

const INSN_RE = /^(\d+): \(([0-9a-f]{2})\) (.*?)(?: +;(.*))?$/;
const GLUED_RE = /^(.*?) (\d+):((?: frame\d+:)?(?: (?:R\d+|fp-?\d+)(?:_[rwD]+)?=.*)?)$/;

/**
 * What the verifier can print for a popped branch before that branch's first state (kernel/bpf/verifier.c):
 * do_check's checks at the top of its loop, then is_state_visited's. At level 1 pop_stack rewinds the log to where
 * the branch was pushed, 1 byte past the branch line's old newline (print_insn_state replaced it by the `;` padding),
 * so these land on the branch's line. They are kernel texts a disassembly never contains.
 */
const GLUEABLE = [
  /BPF program is too large\. Processed \d+ insn/, // insn limit (E2BIG)
  /invalid insn idx \d+ insn_cnt \d+/, // EFAULT
  /infinite loop detected at insn \d+/, // is_state_visited (EINVAL); `cur state:` / `old state:` lines follow
  /verifier bug\b.*/, // 6.17+ verifier_bug(): is_state_visited's and precision propagation's internal checks
  /verifier backtracking bug\b.*|verifier internal error\b.*|BUG .*/, // the same before 6.17
];
const GLUED_MESSAGE_RE = new RegExp(` (${GLUEABLE.map((r) => r.source).join('|')})$`);
/** is_state_visited's verbose_linfo before `infinite loop detected`: one space (the rewind's), then `; <source>`. */
const GLUED_SOURCE_RE = /^\d+: \([0-9a-f]{2}\) (.*?[^ ]) (; .*)$/;
/** A real state suffix: at least 3 padding spaces (vlog_alignment), then registers, stack slots or a frame. */
const STATE_START = /^(?:$| (?:R\d|fp|frame\d|refs=))/;

const POISONED_RE = /^(\d+): (<[^>]*>)$/;

export function parseInsnLine(line: string): InsnLine | null {
  const m = INSN_RE.exec(line);
  if (!m) {
    const p = POISONED_RE.exec(line); // libbpf's rewrite of an instruction it poisoned
    return p ? { insn: Number(p[1]), opcode: -1, text: p[2], state: null, glued: null, gluedMessage: null, gluedSource: null } : null;
  }
  let text = m[3];
  let state: string | null = m[4] !== undefined ? m[4] : null;
  let glued: InsnLine['glued'] = null;
  let gluedMessage: string | null = null;
  let gluedSource: string | null = null;
  if (state !== null && !STATE_START.test(state)) {
    const s = GLUED_SOURCE_RE.exec(line); // one space before the `;`: not a state suffix's padding
    if (s) {
      text = s[1];
      gluedSource = s[2];
      state = null;
    }
  }
  const msg = state === null ? GLUED_MESSAGE_RE.exec(text) : null; // the rewind took the line's state suffix away
  if (msg) {
    gluedMessage = msg[1];
    text = text.slice(0, msg.index);
  }
  const g = GLUED_RE.exec(text);
  if (g && g[3] !== undefined) {
    text = g[1];
    glued = { insn: Number(g[2]), state: g[3] };
  }
  return { insn: Number(m[1]), opcode: parseInt(m[2], 16), text: text.trimEnd(), state, glued, gluedMessage, gluedSource };
}

export const OPCODE_CALL = 0x85;
export const OPCODE_EXIT = 0x95;

/** `call pc+2` (a bpf-to-bpf call): the callee's first instruction, or null for helper and kfunc calls. */
export function bpfCallTarget(insn: number, text: string): number | null {
  const m = /^call pc([+-]\d+)$/.exec(text);
  return m ? insn + Number(m[1]) + 1 : null;
}
