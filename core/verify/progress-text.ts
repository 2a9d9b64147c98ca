/** The words of verify progress (the Verify command's notification, a debug session's) and of the output channel's verdict lines (no vscode: unit-tested). */
import path from 'node:path';
import type { ObjectReport } from './report';
import type { VerifyProgress } from './verify-object';

/** The progress notification's message for a step: "building null_deref.bpf.c", "program 2 of 3: xdp_prog". */
export function progressMessage(step: VerifyProgress): string {
  switch (step.phase) {
    case 'building': return `building ${path.basename(step.source)}`;
    case 'verifying': return `verifying ${step.total} program${step.total === 1 ? '' : 's'}`;
    case 'program': return `program ${step.index} of ${step.total}: ${step.name}`;
  }
}

/** How far along a step is, in percent of the run (the build counts as one tenth). */
export function progressPercent(step: VerifyProgress): number {
  if (step.phase === 'building') return 0;
  if (step.phase === 'verifying') return 10;
  return 10 + Math.round((90 * (step.index - 1)) / step.total);
}

/** The channel's info line for a finished run: the verdict of each program, the reject's message, the time. */
export function verdictSummary(report: ObjectReport, ms: number): string {
  const file = path.basename(report.source ?? report.object);
  const ok = report.programs.filter((p) => p.verdict === 'accepted').length;
  const others = report.programs.filter((p) => p.verdict !== 'accepted')
    .map((p) => `${p.name} ${p.verdict}${p.message ? ` (${p.message})` : ''}${p.location ? ` at ${path.basename(p.location.file)}:${p.location.line}` : ''}`);
  return `verified ${file} in ${ms} ms on ${report.kernel}: ${ok} of ${report.programs.length} accepted${others.length ? `; ${others.join('; ')}` : ''}`;
}
