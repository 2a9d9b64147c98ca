/**
 * clang's diagnostics in the shape both editors' Problems entries take (the client's vscode.Diagnostic, the language
 * server's LSP Diagnostic): the sources Problems groups them under, each error or warning at its file and position,
 * and the notes clang prints after it ("expanded from macro", "previous definition is here") as its related
 * locations, so they read as part of it instead of loose entries.
 */
import path from 'node:path';
import type { Range } from '../source/range';
import type { ClangDiagnostic } from './clang';

/** The source of verifier rejects in Problems, the same for the client's entries and verify on save's. */
export const VERIFIER_SOURCE = 'eBPF verifier';
/** The source of clang's errors and warnings. */
export const CLANG_SOURCE = 'clang';

export interface ClangDiagnosticShape {
  /** Absolute. */
  file: string;
  range: Range;
  /** A note only when clang printed one before any error or warning it could belong to. */
  severity: ClangDiagnostic['severity'];
  message: string;
  related: { file: string; range: Range; message: string }[];
}

/**
 * `unit`: the source clang built; it ran in its directory, so relative paths are resolved from there. A failure
 * (`failure`: its message) clang located nowhere is one error on the unit's first line, so it is still seen.
 */
export function shapeClangDiagnostics(unit: string, diagnostics: readonly ClangDiagnostic[], failure?: string): ClangDiagnosticShape[] {
  const out: ClangDiagnosticShape[] = [];
  for (const c of diagnostics) {
    const file = path.resolve(path.dirname(unit), c.file);
    const at = { line: Math.max(c.line - 1, 0), character: Math.max(c.column - 1, 0) };
    const range = { start: at, end: at };
    const owner = out[out.length - 1];
    if (c.severity === 'note' && owner && owner.severity !== 'note') owner.related.push({ file, range, message: c.message });
    else out.push({ file, range, severity: c.severity, message: c.message, related: [] });
  }
  if (failure && !out.some((d) => d.severity === 'error')) {
    const start = { line: 0, character: 0 };
    out.push({ file: path.resolve(unit), range: { start, end: start }, severity: 'error', message: failure, related: [] });
  }
  return out;
}
