import { codeFrame } from '../core/verify/code-frame';
import type { ObjectReport, ProgramReport } from '../core/verify/report';

function statsLine(p: ProgramReport): string {
  const s = p.stats;
  const parts: string[] = [];
  if (s.processedInsns !== undefined) parts.push(`${s.processedInsns} insns processed`);
  if (s.totalStates !== undefined) parts.push(`${s.totalStates} states`);
  if (s.verificationTimeUs !== undefined) parts.push(`${s.verificationTimeUs} µs`);
  if (s.stackDepth !== undefined) parts.push(`stack ${s.stackDepth} bytes`);
  return parts.join(', ');
}

function programBlock(p: ProgramReport): string {
  const lines: string[] = [];
  const head = `${p.name} (${p.section})`;
  if (p.verdict === 'accepted') {
    lines.push(`  ✓ ${head}: accepted${statsLine(p) ? ` — ${statsLine(p)}` : ''}`);
    return lines.join('\n');
  }
  const errno = p.errnoName ? `${p.errnoName} (${p.errno})` : `errno ${p.errno}`;
  lines.push(`  ✗ ${head}: ${p.verdict}, ${errno}${p.truncated ? ', log truncated' : ''}`);
  for (const m of p.messageLines) lines.push(`      ${m}`);
  if (p.location) {
    const col = p.location.column ? `:${p.location.column}` : '';
    lines.push(`    at ${p.location.file}:${p.location.line}${col}${p.insn !== null ? ` (insn ${p.insn})` : ''}`);
    const frame = codeFrame(p.location.file, p.location.line, { column: p.location.column });
    if (frame) lines.push(frame.split('\n').map((l) => `      ${l}`).join('\n'));
    else if (p.sourceText) lines.push(`      > ${p.sourceText}`);
  } else if (p.verdict === 'rejected') {
    lines.push(`    the verifier names no source line${p.insn !== null ? ` (insn ${p.insn})` : ''}`);
  }
  if (statsLine(p)) lines.push(`    ${statsLine(p)}`);
  return lines.join('\n');
}

export function formatHuman(report: ObjectReport): string {
  const from = report.source ? `${report.source}` : report.object;
  const out = [`${from}  [kernel ${report.kernel}, libbpf ${report.libbpf}, log level ${report.logLevel}]`];
  for (const p of report.programs) out.push(programBlock(p));
  return out.join('\n');
}
