/**
 * A lint and a verifier reject that name the same bug at the same place: the null-check lint's "count may be NULL
 * here" on the line the kernel refused with "invalid mem access 'map_value_or_null'". The reject is the truth, and it
 * already offers the lint's fix (verdict-code-actions.ts). In Problems the lint would compete with it and win: VS
 * Code sorts a file's entries by severity, then by position, so the lint (an error too, starting at the line's first
 * token) comes first, and "Show Problems" lands on it. While the reject is shown, the lint is shown as a hint: still
 * in the editor, its hover and its quick fix, but not in Problems (it lists errors, warnings and infos only).
 */
import * as vscode from 'vscode';
import { FIX_RULES } from '../core/fixes/reject-fix-rules';
import { VERIFIER_SOURCE } from './verifier-diagnostics';

/** The language server's lint diagnostics' source. */
export const LINT_SOURCE = 'ebpf';

/** Where a shown reject is, and its explanation id (the key of FIX_RULES). */
export interface RejectPlace { line: number; code: string }

export const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code ?? '');

/** The verifier's rejects among `diagnostics` (verify on save's, published by the server with its lints). */
export function rejectPlaces(diagnostics: readonly vscode.Diagnostic[]): RejectPlace[] {
  return diagnostics.filter((d) => d.source === VERIFIER_SOURCE && d.severity === vscode.DiagnosticSeverity.Error)
    .map((d) => ({ line: d.range.start.line, code: codeOf(d) }));
}

/** Is `d` a lint of a rule whose fix is a reject's fix (FIX_RULES), on that reject's line. */
function duplicates(d: vscode.Diagnostic, rejects: readonly RejectPlace[]): boolean {
  if (d.source !== LINT_SOURCE || d.severity === vscode.DiagnosticSeverity.Hint) return false;
  const rule = codeOf(d);
  return rejects.some((r) => r.line === d.range.start.line && (FIX_RULES[r.code] ?? []).includes(rule));
}

/**
 * `diagnostics` with each lint that duplicates one of `rejects` as a hint (a copy: the others are the same objects).
 * The same array when there is none, so a caller can tell nothing changed.
 */
export function demoteLintDuplicates(diagnostics: readonly vscode.Diagnostic[], rejects: readonly RejectPlace[]): readonly vscode.Diagnostic[] {
  if (rejects.length === 0 || !diagnostics.some((d) => duplicates(d, rejects))) return diagnostics;
  return diagnostics.map((d) => {
    if (!duplicates(d, rejects)) return d;
    const hint = new vscode.Diagnostic(d.range, d.message, vscode.DiagnosticSeverity.Hint);
    hint.source = d.source;
    hint.code = d.code;
    hint.relatedInformation = d.relatedInformation;
    hint.tags = d.tags;
    // the language client's diagnostics carry the server's `data` (read back when its code actions are asked for)
    if ('data' in d) Object.assign(hint, { data: (d as { data?: unknown }).data });
    return hint;
  });
}
