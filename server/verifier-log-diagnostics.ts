/**
 * A verifier log's reject as a diagnostic on the log, with the explanation and fix, and where it is in the source. Its
 * source is every reject's (VERIFIER_SOURCE): a log's reject and Verify Object's read as one kind in Problems.
 */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver-protocol';
import { pathToFileURL } from 'node:url';
import { VERIFIER_SOURCE } from '../core/build/clang-diagnostic-shape';
import { rejectLocation } from '../core/verify/program-report';
import type { LogBlock } from '../core/verifier-log/log-blocks';
import type { SourceResolver } from './verifier-log-links';

const whole = (line: number, length: number) => ({ start: { line, character: 0 }, end: { line, character: length } });

export function logDiagnostics(blocks: LogBlock[], uri: string, resolver: SourceResolver): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const b of blocks) {
    if (!b.rejectLines) continue;
    const s = b.summary;
    const ex = s.explanation;
    const message = s.messageLines.length ? s.messageLines.join('\n') : `${s.prose?.title ?? 'rejected'}${s.prose?.reason ? `\n${s.prose.reason}` : ''}`;
    const related: DiagnosticRelatedInformation[] = [];
    const loc = rejectLocation(s, resolver.roots);
    const file = loc ? resolver.file(loc.file) : null;
    if (loc && file) {
      const line = Math.max(0, loc.line - 1);
      const character = Math.max(0, (loc.column ?? 1) - 1);
      related.push({ location: { uri: pathToFileURL(file).href, range: { start: { line, character }, end: { line, character } } },
        message: `the rejected instruction's source${s.sourceMayBeStale ? ' (from the log\'s last annotation: the object\'s line_info is exact)' : ''}` });
    }
    if (s.insnLogLine !== null) related.push({ location: { uri, range: whole(b.offset + s.insnLogLine, b.index.text(s.insnLogLine).length) }, message: `the rejected instruction (insn ${s.insn})` });
    out.push({
      range: { start: { line: b.offset + b.rejectLines[0], character: 0 }, end: { line: b.offset + b.rejectLines[1], character: b.index.text(b.rejectLines[1]).length } },
      severity: DiagnosticSeverity.Error,
      source: VERIFIER_SOURCE,
      code: ex?.id,
      message: ex ? `${message}\n\n${ex.title}: ${ex.explanation}\nFix: ${ex.fix}` : message,
      relatedInformation: related.length ? related : undefined,
    });
  }
  if (out.length === 0 && blocks.every((b) => b.verdict === 'unknown')) {
    // never a silent empty result: say why there is no verdict, as `ebpf-debugger log` does
    const b = blocks[0];
    const why = b.summary.insnLines > 0
      ? 'This log holds no verdict: it ends before the verifier\'s verdict (no error and no "processed N insns" line), so it looks cut.'
      : 'This log holds no verdict: it has no instruction, no error after one and no "processed N insns" line, so it is not a verifier log (or only a piece of one).';
    out.push({ range: whole(0, b.index.lineCount > 0 ? b.index.text(0).length : 0), severity: DiagnosticSeverity.Information, source: VERIFIER_SOURCE, message: why });
  }
  return out;
}
