import * as vscode from 'vscode';
import type { ClangDiagnostic } from '../core/build/clang';
import type { ObjectReport } from '../core/verify/report';

function lineRange(doc: vscode.TextDocument | undefined, line: number, column: number | null): vscode.Range {
  const l = Math.max(0, line - 1);
  if (!doc || l >= doc.lineCount) return new vscode.Range(l, Math.max(0, (column ?? 1) - 1), l, 1000);
  const text = doc.lineAt(l);
  const start = column ? column - 1 : text.firstNonWhitespaceCharacterIndex;
  return new vscode.Range(l, start, l, text.range.end.character);
}

async function openDoc(file: string): Promise<vscode.TextDocument | undefined> {
  try {
    return await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  } catch {
    return undefined;
  }
}

/** Each reject becomes an error at its source line; a click in Problems lands on the line. */
export async function reportToDiagnostics(report: ObjectReport): Promise<Map<string, vscode.Diagnostic[]>> {
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const p of report.programs) {
    if (p.verdict !== 'rejected' || !p.location) continue;
    const doc = await openDoc(p.location.file);
    const d = new vscode.Diagnostic(lineRange(doc, p.location.line, p.location.column),
      `${p.name}: ${p.message ?? 'rejected by the verifier'}${p.insn !== null ? ` (insn ${p.insn})` : ''}`, vscode.DiagnosticSeverity.Error);
    d.source = 'eBPF verifier';
    d.code = p.errnoName ?? undefined;
    const list = byFile.get(p.location.file) ?? [];
    list.push(d);
    byFile.set(p.location.file, list);
  }
  return byFile;
}

export async function buildErrorToDiagnostics(diagnostics: ClangDiagnostic[]): Promise<Map<string, vscode.Diagnostic[]>> {
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const c of diagnostics) {
    if (c.severity === 'note') continue;
    const doc = await openDoc(c.file);
    const d = new vscode.Diagnostic(lineRange(doc, c.line, c.column), c.message,
      c.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
    d.source = 'clang';
    const list = byFile.get(c.file) ?? [];
    list.push(d);
    byFile.set(c.file, list);
  }
  return byFile;
}
