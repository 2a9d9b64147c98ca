/**
 * Line classifiers for the verifier log (see shared/docs/verifier-log-format.md).
 * The first cut recognises the kinds needed to find the reject; everything it does not know
 * is a candidate error line only when it follows the last instruction.
 */

/** `7: (79) r1 = *(u64 *)(r0 +0)   ; R0=...` — index, opcode, text, optional state suffix. */
export const INSN_RE = /^(\d+): \(([0-9a-f]{2})\) (.*?)(?: +;(.*))?$/;
/** `; text @ file:line` (kernel 6.9+). The last ' @ ' separates text and location. */
export const SOURCE_AT_RE = /^; (.*) @ ([^ ]+):(\d+)$/;
export const SOURCE_RE = /^; ?(.*)$/;
export const STATE_RE = /^(\d+):( frame\d+:)?( (?:R\d+|fp-?\d+)[_rwD]*=.*)?$/;
export const FROM_RE = /^from (\d+) to (\d+)( \(speculative execution\))?: ?(.*)$/;
export const SAFE_RE = /^(\d+): safe$/;
export const FUNC_RE = /^func#(\d+) @(\d+)$/;
export const PROCESSED_RE =
  /^processed (\d+) insns \(limit (\d+)\) max_states_per_insn (\d+) total_states (\d+) peak_states (\d+) mark_read (\d+)/;
export const VERIFICATION_TIME_RE = /^verification time (\d+) usec$/;
export const STACK_DEPTH_RE = /^stack depth (\d+(?:\+\d+)*)$/;
export const LIBBPF_BEGIN_RE = /^(?:libbpf: )?prog '([^']*)': -- BEGIN PROG LOAD LOG --$/;
export const LIBBPF_END = '-- END PROG LOAD LOG --';

/** Lines that are verifier chatter, not part of an error message. */
const NOISE_RES: RegExp[] = [
  /^Live regs before insn(:| , pruning points.*:)$/,
  /^(?:( {2}\d| \d{2}|\d{3,}) \| {4})? *(\d+): ([.0-9]{10}) (?:([pP ]) )?\((..)\) (.*)$/, // live-regs rows
  /^(mark_precise: frame\d+: )?last_idx -?\d+ first_idx -?\d+( subseq_idx -?\d+)? ?$/,
  /^(mark_precise: frame\d+: )?regs=\S* stack=\S* before \d+: /,
  /^(mark_precise: frame\d+: )?parent (state|didn't have)/,
  /^(mark_precise|force_precise): /,
  /^frame \d+: propagating /,
  /^\([\d,]+\) (frame \d+ insn \d+ [+-](live|written)|live stack update done)/,
  /^SCC (enter|exit|backedge) /,
  /^(caller|callee|returning from callee):$/,
  /^to caller at \d+:$/,
  /^ frame\d+:/,
  /^Validating \S+\(\) func#\d+\.\.\.$/,
  /^Func#\d+ .*(is global and assumed valid\.|is global and valid\. Skipping\.|is safe for any args that match its prototype)$/,
  /^(cur|old) state:/,
];

export function isNoiseLine(line: string): boolean {
  for (const re of NOISE_RES) if (re.test(line)) return true;
  return false;
}
