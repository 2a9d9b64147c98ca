import path from 'node:path';
import type { ReportWhy } from './why';

/** The "why" part of a reject for people: the causal path, the hot lines of a complexity reject, the suggestion. */
export function formatWhy(p: Partial<ReportWhy>, indent = '    '): string[] {
  const out: string[] = [];
  const where = (file: string | null, line: number | null, column?: number | null) =>
    file && line !== null ? `${path.basename(file)}:${line}${column ? `:${column}` : ''}` : line !== null ? `line ${line}` : '?';
  if (p.causalPath && p.causalPath.length > 0) {
    out.push(`${indent}why:`);
    for (const s of p.causalPath) {
      out.push(`${indent}  ${where(s.file, s.line, s.column)} [insn ${s.insn}, ${s.role}]  ${s.text}`);
      out.push(`${indent}      ${s.detail}`);
    }
  }
  if (p.hotLines && p.hotLines.length > 0) {
    const total = p.hotLines.reduce((a, h) => a + h.insns, 0);
    out.push(`${indent}hot lines (instructions the log shows processed, of ${total.toLocaleString('en-US')} on the top lines):`);
    for (const h of p.hotLines.slice(0, 5)) {
      out.push(`${indent}  ${where(h.file, h.line)}: ${h.insns.toLocaleString('en-US')} insns${h.states ? `, ${h.states.toLocaleString('en-US')} states` : ''}`);
    }
  }
  if (p.suggestion) out.push(`${indent}suggestion: ${p.suggestion}`);
  return out;
}
