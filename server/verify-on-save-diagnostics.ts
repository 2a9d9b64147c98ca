/** Verify on save, the diagnostics: each reject at its source line (source `eBPF verifier`), clang's at theirs (`clang`). */
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver-protocol';
import type { ClangDiagnostic } from '../core/build/clang';
import { CLANG_SOURCE, shapeClangDiagnostics, VERIFIER_SOURCE } from '../core/build/clang-diagnostic-shape';
import type { ProgramReport } from '../core/verify/report';
import { acceptedMessage, lineRange, shapeReject, SourceLines, type ShapedRelated } from '../core/verify/reject-shape';

export { VERIFIER_SOURCE };

/** Diagnostics by document URI. */
export type DiagnosticsByUri = Map<string, Diagnostic[]>;

function add(out: DiagnosticsByUri, file: string, d: Diagnostic): void {
  const uri = pathToFileURL(file).href;
  const list = out.get(uri) ?? [];
  list.push(d);
  out.set(uri, list);
}

/** A reject's path or clang's notes as related locations; none when there are none. */
function relatedInformation(related: readonly ShapedRelated[]): DiagnosticRelatedInformation[] | undefined {
  if (related.length === 0) return undefined;
  return related.map((r) => ({ location: { uri: pathToFileURL(r.file).href, range: r.range }, message: r.message }));
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
      relatedInformation: relatedInformation(r.related),
      data: { program: p.name, explanation: r.explanation }, // a fix of it is verified on this program (verify-on-save-fixes.ts)
    });
  }
  return out;
}

const CLANG_SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, note: DiagnosticSeverity.Information };

/**
 * clang's errors and warnings at their lines, their notes as related information (core/build/clang-diagnostic-shape.ts);
 * `failure`: a failed build's message, shown on the source's first line when clang located no error.
 */
export function clangDiagnostics(diags: readonly ClangDiagnostic[], source: string, failure?: string): DiagnosticsByUri {
  const out: DiagnosticsByUri = new Map();
  for (const c of shapeClangDiagnostics(source, diags, failure)) {
    add(out, c.file, {
      range: c.range, severity: CLANG_SEVERITY[c.severity], source: CLANG_SOURCE, message: c.message,
      relatedInformation: relatedInformation(c.related),
    });
  }
  return out;
}
