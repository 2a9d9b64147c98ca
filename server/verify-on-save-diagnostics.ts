/** Verify on save, the diagnostics: each reject at its source line (source `eBPF verifier`), clang's at theirs (`clang`). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol';
import type { ClangDiagnostic } from '../core/build/clang';
import type { ProgramReport } from '../core/verify/report';
import { acceptedMessage, lineRange, shapeReject, SourceLines } from '../core/verify/reject-shape';

export const VERIFIER_SOURCE = 'eBPF verifier';
export const CLANG_SOURCE = 'clang';

/** Diagnostics by document URI. */
export type DiagnosticsByUri = Map<string, Diagnostic[]>;

function add(out: DiagnosticsByUri, file: string, d: Diagnostic): void {
  const uri = pathToFileURL(file).href;
  const list = out.get(uri) ?? [];
  list.push(d);
  out.set(uri, list);
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
    const r = shapeReject(p, source, lines);
    if (!r) continue;
    add(out, r.file, {
      range: r.range,
      severity: DiagnosticSeverity.Error,
      source: VERIFIER_SOURCE,
      code: r.code,
      message: r.message,
      relatedInformation: r.related.length > 0 ? r.related.map((x) => ({ location: { uri: pathToFileURL(x.file).href, range: x.range }, message: x.message })) : undefined,
      data: { program: p.name, explanation: r.explanation }, // a fix of it is verified on this program (verify-on-save-fixes.ts)
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
