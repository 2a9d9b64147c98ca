/**
 * A verifier reject shaped for an editor's Problems entry, the same for every host that shows one: verify on save's
 * LSP diagnostics (server/verify-on-save-diagnostics.ts) and the VS Code client's Verify Object and debug session
 * collections (client/verdict-diagnostics.ts). Editor-neutral: 0-based LSP-style ranges, absolute file paths.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Range } from '../source/range';
import { secFunctions } from '../source/sec-functions';
import type { ProgramReport } from './report';

/** The failing path's last lines shown as related locations when the log gave no causal path. */
const PATH_LINES = 8;

export interface ShapedRelated { file: string; range: Range; message: string }

export interface ShapedReject {
  program: string;
  /** Where the reject is: its source line, or the program's function when the verifier named no instruction. */
  file: string;
  range: Range;
  /** `<program>: <the verifier's message>`, then the explanation's title and its usual fix. */
  message: string;
  /** The explanation's id, else `verifier-reject` or `load-error`. */
  code: string;
  explanation: string | null;
  /** The causal path's steps in order (`origin: …`, `branch: …`), else the failing path's last source lines. */
  related: ShapedRelated[];
}

/** Reads source lines once per file; a file that cannot be read gives empty lines (the range is then column 0). */
export class SourceLines {
  private files = new Map<string, string[]>();
  constructor(private readonly read: (file: string) => string = (f) => readFileSync(f, 'utf8')) {}

  private linesOf(file: string): string[] {
    let lines = this.files.get(file);
    if (!lines) {
      try {
        lines = this.read(file).split('\n');
      } catch {
        lines = [];
      }
      this.files.set(file, lines);
    }
    return lines;
  }

  line(file: string, line: number): string {
    return this.linesOf(file)[line - 1] ?? '';
  }

  /**
   * Where the program `name` is defined (1-based; 1 when not found): for a reject the verifier gave no instruction
   * for. Its SEC(...) function first, which also finds `int BPF_PROG(name, ...)` (fentry, lsm: the programs a
   * kernel lacking their attach target refuses), else the first `name(` that is not a declaration.
   */
  functionLine(file: string, name: string): number {
    const program = secFunctions(this.linesOf(file).join('\n')).find((f) => f.name === name);
    if (program) return program.nameLine + 1;
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const at = this.linesOf(file).findIndex((l) => new RegExp(`\\b${escaped}\\s*\\(`).test(l) && !/;\s*$/.test(l));
    return at < 0 ? 1 : at + 1;
  }
}

/** A 1-based line and column as a range: from the column (or the first non-blank) to the end of the line. */
export function lineRange(text: string, line: number, column: number | null): Range {
  const first = text.search(/\S/);
  const start = column && column > 0 ? Math.min(column - 1, text.length) : Math.max(first, 0);
  const l = Math.max(line - 1, 0);
  return { start: { line: l, character: start }, end: { line: l, character: Math.max(text.length, start) } };
}

/** The message: the verifier's, then the explanation's one line (its title and the usual fix). */
export function rejectMessage(p: ProgramReport): string {
  const said = p.message ?? `${p.name} was not loaded (${p.errnoName ?? `errno ${p.errno}`}).`;
  const head = `${p.name}: ${said}`;
  const body = p.explanation ? `${head}\n${p.explanation.title}. ${p.explanation.fix}` : head;
  return body + (p.locationApproximate ? '\n(The line may be approximate: the object has no exact line for this instruction.)' : '');
}

/** An accepted program's statistics, as the verifier's level-4 log gave them. */
export function acceptedMessage(p: ProgramReport): string {
  const s = p.stats;
  const parts = [s.processedInsns !== undefined ? `${s.processedInsns} instructions processed` : null,
    s.stackDepth !== undefined ? `stack ${s.stackDepth} bytes` : null,
    s.verificationTimeUs !== undefined ? `${s.verificationTimeUs} µs` : null].filter((x) => x !== null);
  return `${p.name}: verified by the kernel${parts.length > 0 ? ` (${parts.join(', ')})` : ''}.`;
}

/**
 * The causal path's steps, in order, each with its role: the lines that made the register what the verifier refused,
 * not merely the last ones walked. Empty when the report has no located step.
 */
function causalRelated(p: ProgramReport, lines: SourceLines): ShapedRelated[] {
  return (p.causalPath ?? []).filter((s) => s.file !== null && s.line !== null && path.isAbsolute(s.file)).map((s) => ({
    file: s.file!,
    range: lineRange(lines.line(s.file!, s.line!), s.line!, s.column),
    message: `${s.role}: ${s.detail}`,
  }));
}

/** The failing path's last source lines: what is shown when the log gave no causal path. */
function pathRelated(p: ProgramReport, lines: SourceLines): ShapedRelated[] {
  return p.sourcePath.slice(-PATH_LINES).filter((s) => path.isAbsolute(s.file)).map((s) => ({
    file: s.file,
    range: lineRange(lines.line(s.file, s.line), s.line, null),
    message: `${s.text.trim()}${s.insn !== null ? ` (insn ${s.insn})` : ''}`,
  }));
}

/**
 * A rejected (or unloadable) program as a Problems entry; null for an accepted one, or for a reject with no place to
 * put it (no located line and no source to find the function in).
 */
export function shapeReject(p: ProgramReport, source: string | null, lines: SourceLines = new SourceLines()): ShapedReject | null {
  if (p.verdict === 'accepted') return null;
  const located = p.location && path.isAbsolute(p.location.file) ? p.location.file : null;
  const file = located ?? source;
  if (!file) return null;
  const line = located ? p.location!.line : lines.functionLine(file, p.name);
  const causal = causalRelated(p, lines);
  return {
    program: p.name,
    file,
    range: lineRange(lines.line(file, line), line, located ? p.location!.column : null),
    message: rejectMessage(p),
    code: p.explanation?.id ?? (p.verdict === 'rejected' ? 'verifier-reject' : 'load-error'),
    explanation: p.explanation?.id ?? null,
    related: causal.length > 0 ? causal : pathRelated(p, lines),
  };
}
