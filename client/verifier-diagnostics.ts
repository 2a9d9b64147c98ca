/** The VS Code form of a shaped reject (core/verify/reject-shape.ts) and of clang's diagnostics. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClangDiagnostic } from '../core/build/clang';
import type { Range } from '../core/source/range';
import type { ShapedReject } from '../core/verify/reject-shape';

/** What verify on save's LSP diagnostics say too: Problems groups both under one name. */
export const VERIFIER_SOURCE = 'eBPF verifier';
export const CLANG_SOURCE = 'clang';

export const toRange = (r: Range): vscode.Range => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/** A reject as an error at its line, the failing path as related locations in order. */
export function rejectDiagnostic(shape: ShapedReject, message: string = shape.message): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(shape.range), message, vscode.DiagnosticSeverity.Error);
  d.source = VERIFIER_SOURCE;
  d.code = shape.code;
  if (shape.related.length > 0) {
    d.relatedInformation = shape.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), toRange(r.range)), r.message));
  }
  return d;
}

const CLANG_SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, note: vscode.DiagnosticSeverity.Information };

/**
 * clang's errors and warnings by absolute file (clang ran in the source's directory: its paths are relative to it);
 * a failure clang located nowhere is one error on the source's first line, so it is still seen.
 */
export function clangDiagnostics(unit: string, diagnostics: readonly ClangDiagnostic[], message?: string): Map<string, vscode.Diagnostic[]> {
  const out = new Map<string, vscode.Diagnostic[]>();
  const add = (file: string, d: vscode.Diagnostic) => {
    d.source = CLANG_SOURCE;
    out.set(file, [...(out.get(file) ?? []), d]);
  };
  for (const c of diagnostics) {
    if (c.severity === 'note') continue;
    const at = new vscode.Position(Math.max(c.line - 1, 0), Math.max(c.column - 1, 0));
    add(path.resolve(path.dirname(unit), c.file), new vscode.Diagnostic(new vscode.Range(at, at), c.message, CLANG_SEVERITY[c.severity]));
  }
  if (out.size === 0 && message) add(unit, new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), message, vscode.DiagnosticSeverity.Error));
  return out;
}
