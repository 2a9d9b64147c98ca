/**
 * Quick fixes on the Verify Object and debug session rejects: the lint's quick fix of the same bug (core/fixes/
 * reject-fix-rules.ts says which rule's), found on the reject's line or its failing path and asked of the language
 * server, then offered again tied to the reject, so Problems' quick fix on the reject applies it. Verify on save's
 * rejects get theirs (kernel-verified) from the server itself.
 */
import * as vscode from 'vscode';
import { CodeActionRequest, type CodeAction as LspCodeAction, type Command as LspCommand, type LanguageClient } from 'vscode-languageclient/node';
import { FIX_RULES } from '../core/fixes/reject-fix-rules';
import { VERIFIER_SOURCE } from './verifier-diagnostics';

/** The lint's diagnostics' source (server/diagnostics.ts). */
const LINT_SOURCE = 'ebpf';

const ours = (d: vscode.Diagnostic, mine: readonly vscode.Diagnostic[]) => mine.some((m) => m === d || (m.message === d.message && m.range.isEqual(d.range)));

export class VerdictCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly published: (uri: vscode.Uri) => readonly vscode.Diagnostic[], private readonly client: () => LanguageClient | undefined) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
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
        for (const action of await this.lintFixes(doc, lint, token)) {
          action.diagnostics = [reject];
          if (!out.some((o) => o.title === action.title && o.diagnostics?.[0] === reject)) out.push(action);
        }
      }
    }
    return out;
  }

  /** The language server's quick fixes of one lint diagnostic: those it ties to that diagnostic's rule. */
  private async lintFixes(doc: vscode.TextDocument, lint: vscode.Diagnostic, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const client = this.client();
    if (!client?.isRunning()) return [];
    const c2p = client.code2ProtocolConverter;
    const answer = await client.sendRequest(CodeActionRequest.type, {
      textDocument: c2p.asTextDocumentIdentifier(doc),
      range: c2p.asRange(lint.range),
      context: { diagnostics: [c2p.asDiagnostic(lint)], only: [vscode.CodeActionKind.QuickFix.value] },
    }, token);
    const tied = (answer ?? []).filter((a: LspCodeAction | LspCommand): a is LspCodeAction => 'edit' in a && a.edit !== undefined && (a.diagnostics ?? []).some((d) => d.code === lint.code && d.source === LINT_SOURCE));
    return (await Promise.all(tied.map((a) => client.protocol2CodeConverter.asCodeAction(a, token)))).filter((a): a is vscode.CodeAction => a !== undefined);
  }
}

export function registerVerdictCodeActions(provider: VerdictCodeActions): vscode.Disposable {
  const selector: vscode.DocumentSelector = [{ scheme: 'file', language: 'c' }, { scheme: 'file', language: 'cpp' }];
  return vscode.languages.registerCodeActionsProvider(selector, provider, VerdictCodeActions.metadata);
}
