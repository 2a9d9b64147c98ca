/** Verify on save, the diagnostics: each reject at its source line (source `eBPF verifier`), clang's at theirs (`clang`). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver-protocol';
import type { ClangDiagnostic } from '../core/build/clang';
import type { ProgramReport } from '../core/verify/report';
import type { ReportWhy } from '../core/verifier-log/causal/why';

export const VERIFIER_SOURCE = 'eBPF verifier';
export const CLANG_SOURCE = 'clang';
/** The failing path's last lines shown as related locations: enough to see how the verifier got there. */
const PATH_LINES = 8;

/** Diagnostics by document URI. */
export type DiagnosticsByUri = Map<string, Diagnostic[]>;

function add(out: DiagnosticsByUri, file: string, d: Diagnostic): void {
  const uri = pathToFileURL(file).href;
  const list = out.get(uri) ?? [];
  list.push(d);
  out.set(uri, list);
}

/** Reads source lines once per file; a file that cannot be read gives empty lines (the range is then column 0). */
class SourceLines {
  private files = new Map<string, string[]>();
  line(file: string, line: number): string {
    let lines = this.files.get(file);
    if (!lines) {
      try {
        lines = readFileSync(file, 'utf8').split('\n');
      } catch {
        lines = [];
      }
      this.files.set(file, lines);
    }
    return lines[line - 1] ?? '';
  }
  /** Where `int name(` is defined: for a reject the verifier gave no instruction for. */
  functionLine(file: string, name: string): number {
    this.line(file, 1);
    const at = (this.files.get(file) ?? []).findIndex((l) => new RegExp(`\\b${name}\\s*\\(`).test(l) && !/;\s*$/.test(l));
    return at < 0 ? 1 : at + 1;
  }
}

/** A 1-based line and column as a range: from the column (or the first non-blank) to the end of the line. */
function lineRange(text: string, line: number, column: number | null): Range {
  const first = text.search(/\S/);
  const start = column && column > 0 ? Math.min(column - 1, text.length) : Math.max(first, 0);
  return { start: { line: Math.max(line - 1, 0), character: start }, end: { line: Math.max(line - 1, 0), character: Math.max(text.length, start) } };
}

/** The message: the verifier's, then the explanation's one line (its title and the usual fix). */
function rejectMessage(p: ProgramReport): string {
  const said = p.message ?? `${p.name} was not loaded (${p.errnoName ?? `errno ${p.errno}`}).`;
  const head = `${p.name}: ${said}`;
  return p.explanation ? `${head}\n${p.explanation.title}. ${p.explanation.fix}` : head;
}

/** An accepted program's statistics, as the verifier's level-4 log gave them. */
function acceptedMessage(p: ProgramReport): string {
  const s = p.stats;
  const parts = [s.processedInsns !== undefined ? `${s.processedInsns} instructions processed` : null,
    s.stackDepth !== undefined ? `stack ${s.stackDepth} bytes` : null,
    s.verificationTimeUs !== undefined ? `${s.verificationTimeUs} µs` : null].filter((x) => x !== null);
  return `${p.name}: verified by the kernel${parts.length > 0 ? ` (${parts.join(', ')})` : ''}.`;
}

/**
 * The causal path's steps, in order, each with its role (`origin: …`, `branch: …`): the lines that made the register
 * what the verifier refused, not merely the last ones walked. Null when the report has no located step.
 */
function causalRelated(p: ProgramReport & Partial<ReportWhy>, lines: SourceLines): DiagnosticRelatedInformation[] | null {
  const steps = (p.causalPath ?? []).filter((s) => s.file !== null && s.line !== null && path.isAbsolute(s.file));
  if (steps.length === 0) return null;
  return steps.map((s) => ({
    location: { uri: pathToFileURL(s.file!).href, range: lineRange(lines.line(s.file!, s.line!), s.line!, s.column) },
    message: `${s.role}: ${s.detail}`,
  }));
}

/** The failing path's last source lines: what is shown when the log gave no causal path. */
function pathRelated(p: ProgramReport, lines: SourceLines): DiagnosticRelatedInformation[] {
  return p.sourcePath.slice(-PATH_LINES).filter((s) => path.isAbsolute(s.file)).map((s) => ({
    location: { uri: pathToFileURL(s.file).href, range: lineRange(lines.line(s.file, s.line), s.line, null) },
    message: `${s.text.trim()}${s.insn !== null ? ` (insn ${s.insn})` : ''}`,
  }));
}

/**
 * The rejected (or unloadable) programs of one object as diagnostics; accepted programs give an information only
 * when `acceptedSummary` asks for it.
 */
export function verifierDiagnostics(programs: ProgramReport[], source: string, acceptedSummary = false): DiagnosticsByUri {
  const out: DiagnosticsByUri = new Map();
  const lines = new SourceLines();
  for (const p of programs) {
    if (p.verdict === 'accepted') {
      if (!acceptedSummary) continue;
      const line = lines.functionLine(source, p.name);
      add(out, source, { range: lineRange(lines.line(source, line), line, null), severity: DiagnosticSeverity.Information,
        source: VERIFIER_SOURCE, code: 'verified', message: acceptedMessage(p) });
      continue;
    }
    const file = p.location && path.isAbsolute(p.location.file) ? p.location.file : source;
    const line = p.location && file === p.location.file ? p.location.line : lines.functionLine(source, p.name);
    const related = causalRelated(p, lines) ?? pathRelated(p, lines);
    add(out, file, {
      range: lineRange(lines.line(file, line), line, p.location?.column ?? null),
      severity: DiagnosticSeverity.Error,
      source: VERIFIER_SOURCE,
      code: p.explanation?.id ?? (p.verdict === 'rejected' ? 'verifier-reject' : 'load-error'),
      message: rejectMessage(p) + (p.locationApproximate ? '\n(The line may be approximate: the object has no exact line for this instruction.)' : ''),
      relatedInformation: related.length > 0 ? related : undefined,
      data: { program: p.name, explanation: p.explanation?.id ?? null }, // a fix of it is verified on this program (verify-on-save-fixes.ts)
    });
  }
  return out;
}

const CLANG_SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, note: DiagnosticSeverity.Information };

/** clang's errors, warnings and notes at their lines (paths relative to the source's directory, where clang ran). */
export function clangDiagnostics(diags: ClangDiagnostic[], source: string): DiagnosticsByUri {
  const out: DiagnosticsByUri = new Map();
  for (const d of diags) {
    const file = path.resolve(path.dirname(source), d.file);
    const start = { line: Math.max(d.line - 1, 0), character: Math.max(d.column - 1, 0) };
    add(out, file, { range: { start, end: start }, severity: CLANG_SEVERITY[d.severity], source: CLANG_SOURCE, message: d.message });
  }
  return out;
}

/** One message for a build failure clang gave no located diagnostic for (e.g. a missing `-target bpf` support). */
export function unlocatedBuildFailure(message: string, source: string): DiagnosticsByUri {
  const start = { line: 0, character: 0 };
  return new Map([[pathToFileURL(source).href, [{ range: { start, end: start }, severity: DiagnosticSeverity.Error, source: CLANG_SOURCE, message }]]]);
}
