import path from 'node:path';
import type { VerifierStats } from '../types';
import { formatHotLines } from './hot-lines-format';
import type { ReportWhy } from './why';

/** The "why" part of a reject for people: the causal path, the hot lines of a complexity reject, the suggestion. */
export function formatWhy(p: Partial<ReportWhy> & { stats?: VerifierStats }, indent = '    '): string[] {
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
  out.push(...formatHotLines(p.hotLines ?? [], p.stats, indent));
  if (p.suggestion) out.push(`${indent}suggestion: ${p.suggestion}`);
  return out;
}
