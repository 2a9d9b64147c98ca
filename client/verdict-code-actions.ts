/**
 * Quick fixes on the Verify Object and debug session rejects: the lint's quick fix of the same bug (core/fixes/
 * reject-fix-rules.ts says which rule's), found on the reject's line or its failing path and asked of the language
 * server, then offered again tied to the reject, so Problems' quick fix on the reject applies it. Verify on save's
 * rejects get theirs (kernel-verified) from the server itself.
 */
import * as vscode from 'vscode';
import { FIX_RULES } from '../core/fixes/reject-fix-rules';
import { VERIFIER_SOURCE } from './verifier-diagnostics';

/** The lint's diagnostics' source (server/diagnostics.ts). */
const LINT_SOURCE = 'ebpf';

const keyOf = (uri: vscode.Uri, r: vscode.Range) => `${uri.toString()}#${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
const ours = (d: vscode.Diagnostic, mine: readonly vscode.Diagnostic[]) => mine.some((m) => m === d || (m.message === d.message && m.range.isEqual(d.range)));

export class VerdictCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  /** The lint ranges being asked of the other providers: this one answers nothing for them (it would ask itself again). */
  private readonly asking = new Set<string>();

  constructor(private readonly published: (uri: vscode.Uri) => readonly vscode.Diagnostic[]) {}

  async provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    if (this.asking.has(keyOf(doc.uri, range))) return [];
    if (context.only && !vscode.CodeActionKind.QuickFix.contains(context.only) && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];
    const mine = this.published(doc.uri);
    const rejects = context.diagnostics.filter((d) => d.source === VERIFIER_SOURCE && FIX_RULES[String(d.code)] && ours(d, mine));
    if (rejects.length === 0) return [];
    const lints = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === LINT_SOURCE);
    const out: vscode.CodeAction[] = [];
    for (const reject of rejects) {
      const rules = FIX_RULES[String(reject.code)];
      const lines = new Set([reject.range.start.line, ...(reject.relatedInformation ?? [])
        .filter((r) => r.location.uri.toString() === doc.uri.toString()).map((r) => r.location.range.start.line)]);
      const near = lints.filter((l) => rules.includes(String(l.code)) && lines.has(l.range.start.line));
      // the one on the reject's own line first: it is the access the verifier refused
      near.sort((a, b) => Number(b.range.start.line === reject.range.start.line) - Number(a.range.start.line === reject.range.start.line));
      for (const lint of near.slice(0, 2)) {
        for (const action of await this.lintFixes(doc.uri, lint)) {
          const fix = new vscode.CodeAction(action.title, vscode.CodeActionKind.QuickFix);
          fix.edit = action.edit;
          fix.command = action.command;
          fix.isPreferred = action.isPreferred;
          fix.diagnostics = [reject];
          if (!out.some((o) => o.title === fix.title && o.diagnostics?.[0] === reject)) out.push(fix);
        }
      }
    }
    return out;
  }

  /** The language server's quick fixes of one lint diagnostic. */
  private async lintFixes(uri: vscode.Uri, lint: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
    const key = keyOf(uri, lint.range);
    this.asking.add(key);
    try {
      const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, lint.range, vscode.CodeActionKind.QuickFix.value);
      return (all ?? []).filter((a): a is vscode.CodeAction => 'edit' in a && a.edit !== undefined
        && (a.diagnostics ?? []).some((d) => d.code === lint.code && d.range.isEqual(lint.range)));
    } finally {
      this.asking.delete(key);
    }
  }
}

export function registerVerdictCodeActions(published: (uri: vscode.Uri) => readonly vscode.Diagnostic[]): vscode.Disposable {
  const selector: vscode.DocumentSelector = [{ scheme: 'file', language: 'c' }, { scheme: 'file', language: 'cpp' }];
  return vscode.languages.registerCodeActionsProvider(selector, new VerdictCodeActions(published), VerdictCodeActions.metadata);
}
