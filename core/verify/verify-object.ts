import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildBpfSource, isBpfSource, type BuildOptions } from '../build/clang';
import { EbpfError } from '../errors';
import type { Loader } from '../loader/loader';
import type { VerifyResult } from '../loader/protocol';
import type { LogIndex } from '../verifier-log/log-index';
import { analyzeLog } from '../verifier-log/parse';
import type { RejectSummary } from '../verifier-log/summary';
import type { BpfObject } from '../source-map/bpf-object';
import { missingLibbpfFeatures } from '../loader/libbpf-features';
import { loadObjectSourceMap, programMap } from '../source-map/object-source-map';
import { explainEperm, gatherEpermFacts } from './eperm';
import { kernelHasFunc } from './kernel-btf-funcs';
import { loadErrorMessage } from './libbpf-messages';
import { buildProgramReport } from './program-report';
import type { ObjectReport, ProgramReport } from './report';

export const DEFAULT_LOG_LEVEL = 5; // level 1 (the failing path) + 4 (stats: time, stack depth)

export interface VerifyOptions {
  /** Verify only this program (default: every program of the object). */
  programName?: string;
  logLevel?: number;
  build?: BuildOptions;
  /** Extra directories to look for the sources the log names. */
  sourceRoots?: string[];
  /** Called with each chunk of each program's log as it streams in. */
  onLog?: (program: string, chunk: Buffer) => void;
  /** Called as the run moves on: the build, the programs found, each program's load. */
  onProgress?: (step: VerifyProgress) => void;
  /** Aborting kills a running build and stops before the next program's load ('cancelled'). */
  signal?: AbortSignal;
}

/** Where a verify run is, for a progress notification. */
export type VerifyProgress =
  | { phase: 'building'; source: string }
  | { phase: 'verifying'; object: string; total: number }
  | { phase: 'program'; name: string; index: number; total: number };

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EbpfError('cancelled', 'Cancelled: verification stopped before the next program.');
}

export interface VerifiedProgram {
  report: ProgramReport;
  summary: RejectSummary;
  /** The log's line index: the debugger walks it again, so it is built once. */
  index: LogIndex;
  log: Buffer[];
}

export interface VerifyRun {
  report: ObjectReport;
  programs: VerifiedProgram[];
}

const ENOSPC = 28;
const EPERM = 1;

/** Who loaded: what an EPERM message needs to know about the loader. */
export interface LoaderIdentity { uid: number; capEff: string }

/** The message of an `error` verdict; for EPERM it says what was seen and blames capabilities only when missing. */
function errorMessage(result: VerifyResult, who: LoaderIdentity | null): string {
  if (result.mapProblem) return `${result.mapProblem}\n${loadErrorMessage(result.errno, result.libbpf)}`;
  if (result.errno !== EPERM || !who) return loadErrorMessage(result.errno, result.libbpf);
  const facts = gatherEpermFacts({ uid: who.uid, capEff: who.capEff, section: result.section, logBytes: result.logBytes }, (name) => kernelHasFunc(name, result.section));
  return explainEperm(facts);
}

export function programReport(result: VerifyResult, log: Buffer[], roots: string[], obj: BpfObject | null = null, who: LoaderIdentity | null = null): VerifiedProgram {
  const { index, summary } = analyzeLog(log);
  const rejected = result.errno !== 0 && (summary.messageLines.length > 0 || summary.prose !== null);
  const verdict = result.errno === 0 ? 'accepted' : rejected ? 'rejected' : 'error';
  const report = buildProgramReport(summary, {
    name: result.program,
    section: result.section,
    verdict,
    errno: result.errno,
    errorLines: verdict === 'error' ? errorMessage(result, who).split('\n') : undefined,
    logBytes: result.logBytes,
    // a live load has the kernel's word on it (ENOSPC, or the helper's retry after it): the log's shape is no evidence
    truncated: result.logTruncated === true || result.errno === ENOSPC,
    libbpf: result.libbpf,
    roots,
    obj,
    map: programMap(obj, result.program),
    notes: result.notes,
    index,
  });
  return { report, summary, index, log };
}

/** Resolve the input: build a C source, or take an object as it is. */
export async function prepareObject(input: string, build?: BuildOptions, onProgress?: VerifyOptions['onProgress']): Promise<{ object: string; source: string | null }> {
  const abs = path.resolve(input);
  if (!existsSync(abs)) throw new EbpfError('file-not-found', `${abs}: no such file.`);
  if (statSync(abs).isDirectory()) throw new EbpfError('usage', `${abs} is a directory; name an object (.o) or a source (.bpf.c).`);
  if (isBpfSource(abs)) {
    onProgress?.({ phase: 'building', source: abs });
    const built = await buildBpfSource(abs, build);
    return { object: built.object, source: abs };
  }
  return { object: abs, source: null };
}

/** The build's options, killed by the run's signal unless they carry their own. */
export function buildOptionsOf(opts: VerifyOptions): BuildOptions | undefined {
  return opts.signal && !opts.build?.signal ? { ...opts.build, signal: opts.signal } : opts.build;
}

/** Build if needed, then verify each program of the object in the kernel, one at a time. */
export async function verifyObject(loader: Loader, input: string, opts: VerifyOptions = {}): Promise<VerifyRun> {
  throwIfAborted(opts.signal);
  const { object, source } = await prepareObject(input, buildOptionsOf(opts), opts.onProgress);
  const hello = await loader.hello();
  const listing = await loader.list(object);
  if (listing.programs.length === 0) {
    throw new EbpfError('no-programs', `${object} holds no BPF program.`, 'Programs live in sections named like SEC("xdp") or SEC("tracepoint/...").');
  }
  let targets = listing.programs;
  if (opts.programName) {
    targets = targets.filter((p) => p.name === opts.programName);
    if (targets.length === 0) {
      throw new EbpfError('program-not-found', `${object} has no program named '${opts.programName}'.`,
        `Its programs: ${listing.programs.map((p) => p.name).join(', ')}.`);
    }
  }
  const logLevel = opts.logLevel ?? DEFAULT_LOG_LEVEL;
  const roots = [...(source ? [path.dirname(source)] : []), path.dirname(object), ...(opts.sourceRoots ?? [])];
  const { obj } = loadObjectSourceMap(object); // without BTF.ext, locations come from the log's annotations
  const programs: VerifiedProgram[] = [];
  const lacking = obj ? missingLibbpfFeatures(obj, hello.libbpf) : []; // said on every program's report
  opts.onProgress?.({ phase: 'verifying', object, total: targets.length });
  for (const [i, p] of targets.entries()) {
    throwIfAborted(opts.signal);
    opts.onProgress?.({ phase: 'program', name: p.name, index: i + 1, total: targets.length });
    const outcome = await loader.verify({ path: object, program: p.name, logLevel }, (chunk) => opts.onLog?.(p.name, chunk));
    programs.push(programReport({ ...outcome, notes: [...lacking, ...(outcome.notes ?? [])] }, outcome.log, roots, obj, hello));
  }
  return {
    report: {
      object, source, kernel: hello.kernel, libbpf: hello.libbpf, libbpfPath: hello.libbpfPath ?? null, logLevel,
      loader: { uid: hello.uid, capEff: hello.capEff, via: (loader as { launchedVia?: string }).launchedVia ?? 'direct' },
      programs: programs.map((p) => p.report),
    },
    programs,
  };
}
