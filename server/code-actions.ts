import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver-protocol';
import type { Range } from '../core/source/range';
import { toDiagnostic } from './diagnostics';
import type { DocumentAnalysis } from './layout-features';

const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
const overlaps = (a: Range, b: Range) => before(a.start, b.end) && before(b.start, a.end);
const sameRange = (a: Range, b: Range) => JSON.stringify(a) === JSON.stringify(b);

/** Quick fixes of the findings under the requested range, each tied to the diagnostic it resolves. */
export function quickFixes(uri: string, a: DocumentAnalysis, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
  const actions: CodeAction[] = [];
  for (const f of a.findings) {
    if (!f.fixes || !overlaps(f.range, params.range)) continue;
    const shown = params.context.diagnostics.filter((d) => d.code === f.rule && sameRange(d.range, f.range));
    for (const fix of f.fixes()) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: shown.length > 0 ? shown : [toDiagnostic(f, uri)],
        isPreferred: fix.preferred,
        edit: { changes: { [uri]: fix.edits } },
      });
    }
  }
  return actions;
}
