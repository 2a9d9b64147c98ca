/**
 * The hover on a reject's line: what the verifier said, what it means, the fix in this path's terms and the failing
 * path as links. For every origin's rejects (verify on save's too), but only while Problems shows that reject: a
 * verdict the server has since replaced (a build error, a newer save) gives no hover.
 */
import * as vscode from 'vscode';
import { HOST_KERNEL, type VerdictOrigin } from '../core/editor-events';
import { shapeReject, SourceLines, type ShapedReject } from '../core/verify/reject-shape';
import type { VerdictEntry, VerdictStore } from './verdict-store';
import { VERIFIER_SOURCE } from './verifier-diagnostics';

const ORIGIN_NAMES: Record<VerdictOrigin, string> = { verify: 'Verify Object', debug: 'debug session', save: 'verify on save', log: 'verifier log' };

/** Markdown's inline specials (the texts are the verifier's and the source's, not markdown). */
const escape = (s: string) => s.replace(/[\\`*_[\]<>|]/g, '\\$&');

/** The hover text of one reject, `shape` its Problems entry (markdown; links open the path's lines). */
function rejectHoverMarkdown(e: VerdictEntry, shape: ShapedReject): vscode.MarkdownString {
  const p = e.program;
  const md = new vscode.MarkdownString();
  const kernel = e.kernel === HOST_KERNEL ? `kernel ${e.report.kernel}` : `kernel ${e.kernel}`;
  md.appendMarkdown(`**eBPF verifier: \`${p.name}\` ${p.verdict === 'rejected' ? 'rejected' : 'not loaded'}** · ${ORIGIN_NAMES[e.origin]} · ${escape(kernel)}\n\n`);
  const said = p.messageLines.length > 0 ? p.messageLines : [p.message ?? `${p.errnoName ?? `errno ${p.errno}`}`];
  md.appendCodeblock(said.join('\n'), 'text');
  if (p.explanation) {
    md.appendMarkdown(`\n**${escape(p.explanation.title)}.** ${escape(p.explanation.explanation).replace(/\n/g, '  \n')}\n\n`);
    md.appendMarkdown(`**Fix:** ${p.explanation.fix}\n\n`); // the table's fixes are markdown already (code spans)
  }
  if (p.suggestion) md.appendMarkdown(`**Here:** ${p.suggestion}\n\n`);
  if (shape.related.length > 0) {
    md.appendMarkdown('**Failing path:**\n\n');
    shape.related.forEach((r, i) => {
      const line = r.range.start.line + 1;
      const uri = vscode.Uri.file(r.file).with({ fragment: `L${line}` });
      md.appendMarkdown(`${i + 1}. [${escape(`${r.file.split('/').pop()}:${line}`)}](${uri.toString()}) ${escape(r.message)}\n`);
    });
  }
  return md;
}

/** Is this reject in Problems now, at this line (any collection)? */
function shownAt(uri: vscode.Uri, line: number, program: string): boolean {
  return vscode.languages.getDiagnostics(uri).some((d) => d.source === VERIFIER_SOURCE && d.range.start.line === line && d.message.includes(`${program}: `));
}

export function registerVerdictHover(store: VerdictStore): vscode.Disposable {
  const selector: vscode.DocumentSelector = [{ scheme: 'file', language: 'c' }, { scheme: 'file', language: 'cpp' }];
  return vscode.languages.registerHoverProvider(selector, {
    provideHover(doc, position) {
      const lines = new SourceLines();
      const parts: vscode.MarkdownString[] = [];
      for (const e of store.all()) {
        if (e.program.verdict === 'accepted') continue;
        const shape = shapeReject(e.program, e.report.source, lines);
        if (!shape || shape.file !== doc.fileName || shape.range.start.line !== position.line) continue;
        if (!shownAt(doc.uri, position.line, e.program.name)) continue;
        parts.push(rejectHoverMarkdown(e, shape));
      }
      return parts.length > 0 ? new vscode.Hover(parts) : undefined;
    },
  });
}
