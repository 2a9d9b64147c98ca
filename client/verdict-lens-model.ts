/**
 * The verdict code lens above each `SEC("...")` function of a C document: its last verdict per kernel ("verified ·
 * 42 insns", "rejected: R0 invalid mem access 'map_value_or_null'"), matched by name (libbpf names a program after
 * its function). Without vscode: client/verdict-lens.ts turns these into CodeLenses.
 */
import type { SourceLocation } from '../core/verify/report';
import { secFunctions } from '../core/source/sec-functions';
import { compareKernels, verdictText, type VerdictRecord } from './results-model';
import { HOST_KERNEL } from '../core/editor-events';

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

/**
 * Whether an entry's object was built from `file`: its unit is that source, or (an object verified as it is, e.g.
 * a Makefile's .bpf.o) one of the object's programs has a reject, path step or source line in it.
 */
function builtFrom(e: VerdictRecord, file: string): boolean {
  if (e.unit === file) return true;
  if (e.report.source !== null) return false;
  return e.report.programs.some((p) => p.location?.file === file || p.sourcePath.some((s) => s.file === file)
    || (p.causalPath ?? []).some((s) => s.file === file));
}

/** Lenses for the document `file` (absolute path) with text `text`, from the store's entries. */
export function verdictLenses(file: string, text: string, entries: readonly VerdictRecord[]): LensSpec[] {
  // the newest verdict per (program, kernel): the source's and an object's of the same program supersede each other
  const newest = new Map<string, VerdictRecord>();
  for (const e of entries) {
    if (!builtFrom(e, file)) continue;
    const key = `${e.program.name}\0${e.kernel}`;
    const had = newest.get(key);
    if (!had || had.at <= e.at) newest.set(key, e);
  }
  const mine = [...newest.values()];
  if (mine.length === 0) return [];
  const out: LensSpec[] = [];
  for (const fn of secFunctions(text)) {
    const verdicts = mine.filter((e) => e.program.name === fn.name).sort((a, b) => compareKernels(a.kernel, b.kernel));
    const labelled = verdicts.length > 1 || verdicts.some((e) => e.kernel !== HOST_KERNEL);
    for (const e of verdicts) {
      const p = e.program;
      const text = verdictText(p, MESSAGE_MAX);
      out.push({
        line: fn.line, program: p.name, kernel: e.kernel,
        title: labelled ? `${e.kernel}: ${text}` : text,
        tooltip: [`${p.name} on ${e.kernel === HOST_KERNEL ? `this machine's kernel (${e.report.kernel})` : `kernel ${e.kernel}`}`, p.message ?? '',
          p.location && p.verdict !== 'accepted' ? `Click to go to ${p.location.file}:${p.location.line}` : ''].filter(Boolean).join('\n'),
        reveal: p.verdict !== 'accepted' ? p.location : null,
      });
    }
  }
  return out;
}
