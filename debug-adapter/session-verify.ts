/**
 * What a launch (and a restart) does before the first stop: run the configuration's build command, verify on each
 * kernel it names, and make one trace per (program, kernel) from the object's line_info. A failure becomes the
 * launch's error response; a build failure also sends clang's diagnostics for Problems.
 */
import path from 'node:path';
import { Event } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BuildError } from '../core/build/clang';
import { BUILD_FAILED_DEBUG_EVENT, VERDICTS_DEBUG_EVENT, type BuildFailedEventBody, type VerdictsEventBody } from '../core/editor-events';
import { describeError, isEbpfError } from '../core/errors';
import type { EbpfLaunchArguments } from '../core/launch-attributes';
import type { Loader } from '../core/loader/loader';
import { loadObjectSourceMap, programMap } from '../core/source-map/object-source-map';
import { runBuildCommand } from './build-command';
import { DapErrorId } from './errors';
import { verifyOnKernels, type KernelRunHooks } from './kernel-runs';
import { ProgramTrace } from './runtime/program-trace';
import { orderThreads } from './threads';

export interface SessionVerification {
  traces: ProgramTrace[];
  /** What the user named: a source's built object lives in the cache. */
  objectPath: string;
  /** Where the log's and line_info's file names are looked for. */
  roots: string[];
}

export interface SessionVerifyHooks {
  print: (text: string, category?: 'console' | 'stdout' | 'stderr') => void;
  sendEvent: (e: DebugProtocol.Event) => void;
  progress: KernelRunHooks['progress'];
  signal?: AbortSignal;
}

/** Build, verify on each kernel and trace every program; throws what went wrong (see launchFailure). */
export async function verifySession(loader: Loader, args: EbpfLaunchArguments, hooks: SessionVerifyHooks): Promise<SessionVerification> {
  const program = path.resolve(args.cwd ?? process.cwd(), args.program);
  hooks.print(`eBPF: verifying ${program}${args.programName ? ` (program ${args.programName})` : ''}`);
  if (typeof args.build === 'string') await runBuildCommand(args.build, args.cwd ?? path.dirname(program), args.env, (t) => hooks.print(t, 'stdout'));
  const runs = await verifyOnKernels(loader, program, args, {
    say: (t, problem) => hooks.print(t, problem ? 'stderr' : 'console'),
    progress: hooks.progress,
    signal: hooks.signal,
    // the client's Problems and results view hear of each kernel's verdicts as soon as they are known; a replayed
    // log is no verdict on the object as it is now, so it must not supersede one
    verified: (run) => { if (!args.replayLog) hooks.sendEvent(new Event(VERDICTS_DEBUG_EVENT, { report: run.report, kernel: run.kernel } satisfies VerdictsEventBody)); },
  });
  const first = runs[0].report;
  const roots = [...(first.source ? [path.dirname(first.source)] : []), path.dirname(first.object), ...(args.sourceRoots ?? [])];
  const { obj } = loadObjectSourceMap(first.object);
  const traces = orderThreads(runs.flatMap((run) => run.programs.map((p) => new ProgramTrace(p, programMap(obj, p.report.name), roots, run.kernel))));
  return { traces, objectPath: first.source ?? first.object, roots };
}

/** The launch's error response for `e`; a build failure's diagnostics go to the client first (its Problems entries). */
export function launchFailure(e: unknown, sendEvent: (e: DebugProtocol.Event) => void): DebugProtocol.Message {
  if (e instanceof BuildError) sendEvent(new Event(BUILD_FAILED_DEBUG_EVENT, { diagnostics: e.diagnostics, message: e.message } satisfies BuildFailedEventBody));
  const id = e instanceof BuildError ? DapErrorId.BuildFailed : isEbpfError(e) ? DapErrorId.Environment : DapErrorId.Internal;
  return { id, format: describeError(e).replace(/[{}]/g, ''), showUser: true };
}
