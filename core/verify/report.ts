import type { Explanation } from '../verifier-log/explanations';
import type { ReportWhy } from '../verifier-log/causal/why';
import type { SymbolRef } from '../verifier-log/symbols';
import type { VerifierStats } from '../verifier-log/types';

/** `unknown`: a log cut before the verifier's verdict (only from `log`). */
export type Verdict = 'accepted' | 'rejected' | 'error' | 'unknown';

export interface SourceLocation {
  file: string;
  line: number;
  /** Null until the object's line_info gives it. */
  column: number | null;
}

/** One program's verdict: the `programs[]` entry of `verify --json`. Fields may be added, never renamed. */
/** A program's verdict; a reject's causal path, hot lines and suggestion (causal/why.ts) when the log was analysed. */
export interface ProgramReport extends Partial<ReportWhy> {
  name: string;
  /** Null when unknown (a log pasted without its object). */
  section: string | null;
  verdict: Verdict;
  /** Null when unknown (a log pasted without libbpf's wrapper). */
  errno: number | null;
  errnoName: string | null;
  message: string | null;
  messageLines: string[];
  insn: number | null;
  location: SourceLocation | null;
  /** How the location was found: the object's BTF.ext line_info (exact), the log's `@ file:line`, or 7.x's prose block. */
  locationSource: 'line_info' | 'func_info' | 'log' | 'log-prose' | null;
  /** The location may be off: line_info had no line for the instruction, or the log's annotation may be stale. */
  locationApproximate: boolean;
  /** The source text the verifier printed for the reject's line. */
  sourceText: string | null;
  stats: VerifierStats;
  logBytes: number;
  truncated: boolean;
  /** libbpf's warnings for this load (why an `error` verdict happened). */
  libbpf: string[];
  /** What the message means and the usual fix, for the messages we know. */
  explanation: Explanation | null;
  /** The error came after the main pass and names no instruction (e.g. combined stack size). */
  afterMainPass: boolean;
  /** The global function being validated when the verifier failed. */
  globalFunction: string | null;
  /** Injected `<TAG>_SYM: symbol+0xOFF` lines, resolved through the object's ELF symbol or the workspace's Go sources. */
  symbols: (SymbolRef & { location: SourceLocation | null; resolvedVia: 'elf-symbol' | 'go-source' | null })[];
  /** The last source lines on the failing path, oldest first. */
  sourcePath: { file: string; line: number; text: string; insn: number | null }[];
  /** What the loader changed so the object loads (typed ring/perf buffers, user-sized maps), one line each. */
  notes: string[];
  /** Kernels 7.3 and later explain a reject themselves (`Verification failed:`, `Reason:`, `Suggestion:`): their words, kept as printed. */
  kernelReport?: { title: string; reason: string; suggestion: string } | null;
}

/** The whole `verify --json` document for one object. */
export interface ObjectReport {
  object: string;
  /** The C source it was built from, when the input was a source file. */
  source: string | null;
  kernel: string;
  libbpf: string;
  /** The libbpf.so.1 that answered: a built current one, EBPF_DEBUGGER_LIBBPF, or the system's (null: not said). */
  libbpfPath?: string | null;
  logLevel: number;
  /** Who verified: the helper's uid, its effective capabilities (hex mask) and how it was started. */
  loader: { uid: number; capEff: string; via: string };
  programs: ProgramReport[];
}
