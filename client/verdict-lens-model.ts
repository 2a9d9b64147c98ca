/**
 * The verdict code lens above each `SEC("...")` function of a C document: its last verdict per kernel ("verified ·
 * 42 insns", "rejected: R0 invalid mem access 'map_value_or_null'"), matched by name (libbpf names a program after
 * its function). Without vscode: client/verdict-lens.ts turns these into CodeLenses.
 */
import type { SourceLocation } from '../core/verify/report';
import { secFunctions } from '../core/source/sec-functions';
import { compareKernels, verdictText, type VerdictRecord } from './results-model';

export interface LensSpec {
  /** 0-based line of the function's SEC(...). */
  line: number;
  program: string;
  kernel: string;
  title: string;
  tooltip: string;
  /** Where a click goes: the reject's line (only for a rejected or failed program that has one). */
  reveal: SourceLocation | null;
}

const MESSAGE_MAX = 60;

/** Lenses for the document `file` (absolute path) with text `text`, from the store's entries. */
export function verdictLenses(file: string, text: string, entries: readonly VerdictRecord[]): LensSpec[] {
  const mine = entries.filter((e) => e.unit === file);
  if (mine.length === 0) return [];
  const out: LensSpec[] = [];
  for (const fn of secFunctions(text)) {
    const verdicts = mine.filter((e) => e.program.name === fn.name).sort((a, b) => compareKernels(a.kernel, b.kernel));
    const labelled = verdicts.length > 1 || verdicts.some((e) => e.kernel !== 'host');
    for (const e of verdicts) {
      const p = e.program;
      const text = verdictText(p, MESSAGE_MAX);
      out.push({
        line: fn.line, program: p.name, kernel: e.kernel,
        title: labelled ? `${e.kernel}: ${text}` : text,
        tooltip: [`${p.name} on ${e.kernel === 'host' ? `this machine's kernel (${e.report.kernel})` : `kernel ${e.kernel}`}`, p.message ?? '',
          p.location && p.verdict !== 'accepted' ? `Click to go to ${p.location.file}:${p.location.line}` : ''].filter(Boolean).join('\n'),
        reveal: p.verdict !== 'accepted' ? p.location : null,
      });
    }
  }
  return out;
}
