import type { VerifierStats } from '../verifier-log/types';

export type Verdict = 'accepted' | 'rejected' | 'error';

export interface SourceLocation {
  file: string;
  line: number;
  /** Null until the object's line_info gives it. */
  column: number | null;
}

/** One program's verdict: the `programs[]` entry of `verify --json`. Fields may be added, never renamed. */
export interface ProgramReport {
  name: string;
  section: string;
  verdict: Verdict;
  errno: number;
  errnoName: string | null;
  message: string | null;
  messageLines: string[];
  insn: number | null;
  location: SourceLocation | null;
  /** The source text the verifier printed for the reject's line. */
  sourceText: string | null;
  stats: VerifierStats;
  logBytes: number;
  truncated: boolean;
  /** libbpf's warnings for this load (why an `error` verdict happened). */
  libbpf: string[];
}

/** The whole `verify --json` document for one object. */
export interface ObjectReport {
  object: string;
  /** The C source it was built from, when the input was a source file. */
  source: string | null;
  kernel: string;
  libbpf: string;
  logLevel: number;
  programs: ProgramReport[];
}
