import type { RejectSummary } from '../verifier-log/summary';
import { errnoName } from './errno';
import type { ProgramReport, SourceLocation, Verdict } from './report';
import { resolveSourceFile } from './resolve-source';

/** Where the reject is in the source: the 7.x prose location (with column), else the last `@ file:line` on the path. */
export function rejectLocation(summary: RejectSummary, roots: string[]): SourceLocation | null {
  const prose = summary.proseLocation;
  if (prose) return { file: resolveSourceFile(prose.file, roots) ?? prose.file, line: prose.line, column: prose.column };
  const src = summary.source;
  if (!src || src.file === null || src.line === null) return null;
  return { file: resolveSourceFile(src.file, roots) ?? src.file, line: src.line, column: null };
}

export interface ReportFacts {
  name: string;
  section: string | null;
  verdict: Verdict;
  errno: number | null;
  /** Message lines for an `error` verdict (the summary's are used for a reject). */
  errorLines?: string[];
  logBytes: number;
  truncated: boolean;
  libbpf: string[];
  roots: string[];
}

/** One program's report from its log summary: the shape `verify --json` and `log --json` share. */
export function buildProgramReport(summary: RejectSummary, f: ReportFacts): ProgramReport {
  const rejected = f.verdict === 'rejected';
  const messageLines = rejected ? summary.messageLines.length > 0 ? summary.messageLines : summary.prose ? [summary.prose.title] : []
    : f.errorLines ?? [];
  return {
    name: f.name,
    section: f.section,
    verdict: f.verdict,
    errno: f.errno,
    errnoName: f.errno ? errnoName(f.errno) : null,
    message: messageLines.length > 0 ? messageLines.join('\n') : null,
    messageLines,
    insn: rejected ? summary.insn : null,
    location: rejected ? rejectLocation(summary, f.roots) : null,
    sourceText: rejected ? summary.source?.text ?? null : null,
    stats: summary.stats,
    logBytes: f.logBytes,
    truncated: f.truncated,
    libbpf: f.libbpf,
    explanation: rejected ? summary.explanation : null,
    afterMainPass: summary.afterMainPass,
    globalFunction: summary.globalFunction?.name ?? null,
    symbols: summary.symbols,
    sourcePath: rejected ? summary.sourcePath.filter((s) => s.file !== null && (s.line ?? 0) > 0)
      .map((s) => ({ file: resolveSourceFile(s.file!, f.roots) ?? s.file!, line: s.line!, text: s.text, insn: s.insn })) : [],
  };
}
