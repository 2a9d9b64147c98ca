import path from 'node:path';
import { codeFrame } from '../core/verify/code-frame';
import type { ObjectReport, ProgramReport } from '../core/verify/report';
import { formatWhy } from '../core/verifier-log/causal/format-why';

function statsLine(p: ProgramReport): string {
  const s = p.stats;
  const parts: string[] = [];
  if (s.processedInsns !== undefined) parts.push(`${s.processedInsns} insns processed`);
  if (s.totalStates !== undefined) parts.push(`${s.totalStates} states`);
  if (s.verificationTimeUs !== undefined) parts.push(`${s.verificationTimeUs} µs`);
  if (s.stackDepth !== undefined) parts.push(`stack ${s.stackDepth} bytes`);
  return parts.join(', ');
}

/** One program's verdict for people: the reject with its source line, explanation and the path that led there. */
export function formatProgram(p: ProgramReport): string {
  const lines: string[] = [];
  const head = p.section ? `${p.name} (${p.section})` : p.name;
  if (p.verdict === 'accepted') {
    lines.push(`  ✓ ${head}: accepted${statsLine(p) ? ` — ${statsLine(p)}` : ''}`);
    for (const n of p.notes ?? []) lines.push(`    note: ${n}`);
    return lines.join('\n');
  }
  const errno = p.errnoName ? `, ${p.errnoName} (${p.errno})` : p.errno ? `, errno ${p.errno}` : '';
  lines.push(`  ✗ ${head}: ${p.verdict}${errno}${p.truncated ? ', log truncated' : ''}`);
  for (const m of p.messageLines) lines.push(`      ${m}`);
  if (p.location) {
    const col = p.location.column ? `:${p.location.column}` : '';
    lines.push(`    at ${p.location.file}:${p.location.line}${col}${p.insn !== null ? ` (insn ${p.insn})` : ''}`);
    const frame = codeFrame(p.location.file, p.location.line, { column: p.location.column });
    if (frame) lines.push(frame.split('\n').map((l) => `      ${l}`).join('\n'));
    else if (p.sourceText) lines.push(`      > ${p.sourceText}`);
  } else if (p.verdict === 'rejected') {
    const why = p.afterMainPass ? 'the error came after the main pass and names no instruction' : 'the verifier names no source line';
    lines.push(`    ${why}${p.insn !== null ? ` (insn ${p.insn})` : ''}`);
  }
  lines.push(...formatWhy(p));
  if (p.globalFunction) lines.push(`    while validating global function ${p.globalFunction}()`);
  for (const s of p.symbols) lines.push(`    ${s.tag}_SYM: ${s.symbol}+0x${s.byteOffset.toString(16)} (instruction ${s.insnOffset} of ${s.symbol})`);
  if (p.explanation) {
    lines.push(`    ${p.explanation.title}:`);
    for (const l of p.explanation.explanation.split('\n')) lines.push(`      ${l}`);
    lines.push(`    Fix: ${p.explanation.fix}`);
  }
  const earlier = p.sourcePath.filter((s) => !p.location || s.line !== p.location.line || s.file !== p.location.file).slice(-4);
  if (earlier.length > 0) {
    lines.push('    path to the reject (last source lines):');
    for (const s of earlier) lines.push(`      ${path.basename(s.file)}:${s.line}${s.insn !== null ? ` [insn ${s.insn}]` : ''}  ${s.text}`);
  }
  if (statsLine(p)) lines.push(`    ${statsLine(p)}`);
  for (const n of p.notes ?? []) lines.push(`    note: ${n}`);
  return lines.join('\n');
}

export function formatHuman(report: ObjectReport): string {
  const from = report.source ? `${report.source}` : report.object;
  const out = [`${from}  [kernel ${report.kernel}, libbpf ${report.libbpf}${report.libbpfPath ? ` (${report.libbpfPath})` : ''}, log level ${report.logLevel}]`];
  for (const p of report.programs) out.push(formatProgram(p));
  return out.join('\n');
}
