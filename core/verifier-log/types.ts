/** A source annotation printed by the verifier: `; text @ file:line` (6.9+) or bare `; text` (older kernels). */
export interface SourceAnnotation {
  text: string;
  file: string | null;
  line: number | null;
}

export interface VerifierStats {
  processedInsns?: number;
  insnLimit?: number;
  maxStatesPerInsn?: number;
  totalStates?: number;
  peakStates?: number;
  markRead?: number;
  verificationTimeUs?: number;
  /** As printed: one number per frame joined by '+', e.g. "8" or "16+32". */
  stackDepth?: string;
}

/** What the first pass over a log learns about the reject. */
export interface LogSummary {
  /** The error message lines, in order (empty for an accepted program). */
  errorLines: string[];
  /** Instruction index the verifier was at when it failed, or null when it names none. */
  insn: number | null;
  /** The instruction text of that index, e.g. `r1 = *(u64 *)(r0 +0)`. */
  insnText: string | null;
  /** The last source annotation on the path before the reject. */
  source: SourceAnnotation | null;
  /** Recent source annotations on the path, oldest first (at most 8). */
  sourcePath: SourceAnnotation[];
  stats: VerifierStats;
  /** Instruction lines seen. */
  insnLines: number;
  /** Total lines in the log (after unwrapping libbpf's markers). */
  lines: number;
  /** No stats line at the end: the tail was lost (or the log is not a full verifier log). */
  tailTruncated: boolean;
}
