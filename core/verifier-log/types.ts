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
