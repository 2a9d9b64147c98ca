/** The VS Code form of a shaped reject (core/verify/reject-shape.ts) and of clang's diagnostics. */
import * as vscode from 'vscode';
import type { ClangDiagnostic } from '../core/build/clang';
import { CLANG_SOURCE, shapeClangDiagnostics, VERIFIER_SOURCE } from '../core/build/clang-diagnostic-shape';
import type { Range } from '../core/source/range';
import type { ShapedReject, ShapedRelated } from '../core/verify/reject-shape';

export { VERIFIER_SOURCE };

export const toRange = (r: Range): vscode.Range => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/** A reject's path or clang's notes as related locations; none when there are none. */
function relatedInformation(related: readonly ShapedRelated[]): vscode.DiagnosticRelatedInformation[] | undefined {
  if (related.length === 0) return undefined;
  return related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), toRange(r.range)), r.message));
}

/** A reject as an error at its line, the failing path as related locations in order. */
export function rejectDiagnostic(shape: ShapedReject, message: string = shape.message): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(shape.range), message, vscode.DiagnosticSeverity.Error);
  d.source = VERIFIER_SOURCE;
  d.code = shape.code;
  d.relatedInformation = relatedInformation(shape.related);
  return d;
}

const CLANG_SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, note: vscode.DiagnosticSeverity.Information };

/** clang's errors and warnings by absolute file, their notes as related locations (core/build/clang-diagnostic-shape.ts). */
export function clangDiagnostics(unit: string, diagnostics: readonly ClangDiagnostic[], message?: string): Map<string, vscode.Diagnostic[]> {
  const out = new Map<string, vscode.Diagnostic[]>();
  for (const c of shapeClangDiagnostics(unit, diagnostics, message)) {
    const d = new vscode.Diagnostic(toRange(c.range), c.message, CLANG_SEVERITY[c.severity]);
    d.source = CLANG_SOURCE;
    d.relatedInformation = relatedInformation(c.related);
    out.set(c.file, [...(out.get(c.file) ?? []), d]);
  }
  return out;
}
