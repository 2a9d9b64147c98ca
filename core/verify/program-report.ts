import path from 'node:path';
import type { ProgramSourceMap } from '../source-map/insn-to-source';
import type { BpfObject } from '../source-map/bpf-object';
import { findGoFunction } from '../source-map/go-symbols';
import { pathLines, symbolLocation } from '../source-map/object-source-map';
import type { RejectSummary } from '../verifier-log/summary';
import type { LogIndex } from '../verifier-log/log-index';
import { rejectWhy, type ReportWhy } from '../verifier-log/causal/why';
import { forProgramType } from '../verifier-log/explanations';
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
  /** The object's line_info for this program: the exact mapping, when the object has BTF.ext. */
  map?: ProgramSourceMap | null;
  obj?: BpfObject | null;
  /** What the loader changed so the object loads (maps fitted as cilium/ebpf creates them). */
  notes?: string[];
  /** The log's index: with it the report carries the causal path (and a complexity reject's hot lines). */
  index?: LogIndex;
}

/** The function a pre-instruction error names: `func#1 ('f')`, `Global function f()`, `exception callback 'f'`. */
export function namedFunction(lines: string[]): string | null {
  for (const l of lines) {
    const m = /\('([A-Za-z_]\w*)'\)|^Global function ([A-Za-z_]\w*)\(\)|callback '([A-Za-z_]\w*)'/.exec(l);
    if (m) return m[1] ?? m[2] ?? m[3];
  }
  return null;
}

/** One program's report from its log summary: the shape `verify --json` and `log --json` share. */
export function buildProgramReport(summary: RejectSummary, f: ReportFacts): ProgramReport & ReportWhy {
  const rejected = f.verdict === 'rejected';
  const exact = rejected && f.map && summary.insn !== null && !summary.afterMainPass ? f.map.location(summary.insn)
    // a reject before any instruction: the function it names (or the program), from func_info, approximate
    : rejected && f.map && summary.insn === null && summary.insnLines === 0 && !summary.proseLocation ? f.map.functionLocation(namedFunction(summary.messageLines)) : null;
  const resolve = (file: string) => path.isAbsolute(file) ? file : resolveSourceFile(file, f.roots) ?? file;
  const location: SourceLocation | null = exact
    ? { file: resolve(exact.file), line: exact.line, column: exact.column || null }
    : rejected ? rejectLocation(summary, f.roots) : null;
  const locationSource = !location ? null : exact ? (summary.insn === null ? 'func_info' : 'line_info') : summary.proseLocation ? 'log-prose' : 'log';
  const sourcePath = exact && f.map
    ? pathLines(f.map, summary.path).map((l) => ({ file: resolve(l.file), line: l.line, text: l.text, insn: l.insn }))
    : rejected ? summary.sourcePath.filter((s) => s.file !== null && (s.line ?? 0) > 0)
      .map((s) => ({ file: resolveSourceFile(s.file!, f.roots) ?? s.file!, line: s.line!, text: s.text, insn: s.insn })) : [];
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
    location,
    locationSource,
    locationApproximate: exact?.approximate ?? (rejected && summary.sourceMayBeStale),
    sourceText: exact ? exact.text : rejected ? summary.source?.text ?? null : null,
    stats: summary.stats,
    logBytes: f.logBytes,
    truncated: f.truncated,
    libbpf: f.libbpf,
    // the log alone gives the generic advice; the section makes it the program type's (TC_ACT_OK, not XDP_PASS)
    explanation: rejected && summary.explanation ? forProgramType(summary.explanation, f.section) : null,
    afterMainPass: summary.afterMainPass,
    globalFunction: summary.globalFunction?.name ?? null,
    symbols: summary.symbols.map((sym) => {
      const viaElf = f.obj ? symbolLocation(f.obj, sym) : null;
      if (viaElf) return { ...sym, location: { file: resolve(viaElf.file), line: viaElf.line, column: viaElf.column || null }, resolvedVia: 'elf-symbol' as const };
      const viaGo = findGoFunction(f.roots, sym.symbol);
      return { ...sym, location: viaGo, resolvedVia: viaGo ? 'go-source' as const : null };
    }),
    sourcePath,
    notes: f.notes ?? [],
    kernelReport: rejected && summary.prose ? { title: summary.prose.title, reason: summary.prose.reason, suggestion: summary.prose.suggestion } : null,
    ...reportWhy(summary, f, rejected, location, resolve),
  };
}

/** The causal path, hot lines and suggestion of a reject, through line_info when the object has it. */
function reportWhy(summary: RejectSummary, f: ReportFacts, rejected: boolean, at: SourceLocation | null, resolve: (file: string) => string): ReportWhy {
  if (!rejected || !f.index) return { causalPath: [], hotLines: [], suggestion: null };
  const map = f.map;
  const locate = map ? (insn: number) => {
    const l = map.location(insn);
    return l && !l.approximate ? { file: l.file, line: l.line, column: l.column || null, text: l.text } : null;
  } : null;
  const why = rejectWhy(f.index, summary, { locate, rejectLine: at?.line ?? null, section: f.section, btf: f.obj?.btf ?? null, resolveFile: resolve });
  return {
    causalPath: why.causalPath, // its files resolved already (resolveFile)
    hotLines: why.hotLines.map((h) => ({ file: h.file ? resolve(h.file) : null, line: h.line, insns: h.insns, pruned: h.pruned })),
    suggestion: why.suggestion,
  };
}
