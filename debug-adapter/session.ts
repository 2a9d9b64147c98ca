import path from 'node:path';
import {
  Breakpoint, Event, Handles, InitializedEvent, LoggingDebugSession, OutputEvent, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { HOST_KERNEL } from '../core/editor-events';
import { type EbpfLaunchArguments, validateLaunchArguments } from '../core/launch-attributes';
import type { Loader } from '../core/loader/loader';
import { HelperClient } from '../core/loader/helper-client';
import { HELPER_TRACE_ENV, HELPER_TRACE_EVENT, type HelperTraceEventBody } from '../core/loader/trace-summary';
import { BreakpointSet } from './breakpoints';
import { ADAPTER_CAPABILITIES } from './capabilities';
import { logOutputEvents } from './console-log';
import { addressInsn, disassemble, insnAddress } from './disassembly';
import { DapErrorId } from './errors';
import { evaluateAt, scopesOf } from './frame-scopes';
import { ReplayLoader } from './kernel/replay-loader';
import { logFilePath } from './log-files';
import { PathWalk, type Stop } from './path-walk';
import { ProgressReporter } from './progress';
import { exceptionInfoBody, REJECT_STOP_LABEL } from './reject-info';
import { threadName } from './threads';
import type { ProgramTrace } from './runtime/program-trace';
import { launchFailure, verifySession } from './session-verify';
import { variablesOf, type VarNode } from './variables';
import { LocationHandles, gotoTargets } from './why-navigation';

type LaunchRequestArguments = DebugProtocol.LaunchRequestArguments & EbpfLaunchArguments;

/**
 * One debug session = one object verified in the kernel. Each program is a thread whose "execution" is the
 * verifier's path: a rejected program stops on its reject, and the user steps forward and back along the path.
 */
export class EbpfDebugSession extends LoggingDebugSession {
  private loader: Loader | undefined;
  private walk = new PathWalk();
  private args: LaunchRequestArguments | undefined;
  private roots: string[] = [];
  private objectPath = ''; // what the last successful verify() verified: the saved logs are kept per object
  private current = 0; // the thread (program) last stopped or asked about
  private configurationDone!: Promise<void>;
  private resolveConfigurationDone!: () => void;
  private vars = new Handles<VarNode>();
  private places = new LocationHandles();
  private frameHandles = new Handles<{ thread: number; depth: number }>();
  private progress = new ProgressReporter((e) => this.sendEvent(e));
  /** Set by terminate or disconnect: the verification in flight is aborted and nothing stops any more. */
  private readonly ending = new AbortController();

  constructor() {
    super();
    this.configurationDone = new Promise((r) => { this.resolveConfigurationDone = r; });
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  private get traces(): ProgramTrace[] {
    return this.walk.traces;
  }

  /** The host's loader: the helper, or with `replayLog` ("Debug This Log") the saved logs of that directory. */
  protected createLoader(args: EbpfLaunchArguments): Loader {
    if (args.replayLog) return new ReplayLoader(args.replayLog);
    // the client asks for the helper's traffic when its channel is at trace level (client/adapter-trace.ts shows it)
    const onTrace = process.env[HELPER_TRACE_ENV] === '1'
      ? (direction: HelperTraceEventBody['direction'], summary: string) => this.sendEvent(new Event(HELPER_TRACE_EVENT, { direction, summary } satisfies HelperTraceEventBody))
      : undefined;
    return new HelperClient({ capabilities: args.capabilities, timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined, onTrace });
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.progress.enabled = args.supportsProgressReporting === true;
    response.body = { ...response.body, ...ADAPTER_CAPABILITIES };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.resolveConfigurationDone();
    this.sendResponse(response);
  }

  private print(text: string, category: 'console' | 'stdout' | 'stderr' = 'console'): void {
    this.sendEvent(new OutputEvent(text.endsWith('\n') ? text : text + '\n', category));
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, launchArgs: LaunchRequestArguments): Promise<void> {
    const args = launchArgs as LaunchRequestArguments | undefined; // a client may send no arguments at all
    const problem = validateLaunchArguments(args);
    if (problem || !args) {
      this.sendErrorResponse(response, { id: DapErrorId.BadLaunch, format: problem ?? 'No launch arguments.', showUser: true });
      return;
    }
    await Promise.race([this.configurationDone, new Promise((r) => setTimeout(r, 2000))]);
    this.args = args;
    await this.verifyAndRun(response);
  }

  /**
   * A launch's or restart's verification, then the run. A Stop pressed meanwhile (VS Code's terminate, or a
   * disconnect) aborts it; the request then ends quietly, with no error dialog and no stop after the session's end.
   */
  private async verifyAndRun(response: DebugProtocol.Response): Promise<void> {
    const failure = await this.verify(this.args!);
    if (this.ending.signal.aborted) {
      this.sendResponse(response);
      return;
    }
    if (failure) {
      this.sendErrorResponse(response, failure);
      return;
    }
    this.sendResponse(response);
    this.startRun();
  }

  /** Build and verify on each kernel; the traces replace any previous run's. Returns the error to report, if any. */
  private async verify(args: LaunchRequestArguments): Promise<DebugProtocol.Message | null> {
    await this.loader?.close();
    this.loader = this.createLoader(args);
    try {
      const run = await verifySession(this.loader, args, {
        print: (t, c) => this.print(t, c), sendEvent: (e) => this.sendEvent(e), progress: this.progress.begin(), signal: this.ending.signal,
      });
      this.objectPath = run.objectPath;
      this.roots = run.roots;
      this.walk.reset(run.traces);
      this.vars.reset();
      this.frameHandles.reset();
      return null;
    } catch (e) {
      return launchFailure(e, (event) => this.sendEvent(event));
    }
  }

  /** Report every program, then stop on the first breakpoint or reject; end when nothing stops. */
  private startRun(): void {
    for (const t of this.traces) {
      const r = t.program.report;
      const stats = r.stats.processedInsns !== undefined ? `${r.stats.processedInsns} insns processed` : 'no stats';
      const label = `${r.name}${t.kernel === HOST_KERNEL ? '' : ` @ ${t.kernel}`}`;
      this.print(`${label} (${r.section}): ${r.verdict}${r.errnoName ? ` ${r.errnoName}` : ''} — ${stats}`);
      if (r.verdict === 'error' && r.message) this.print(r.message, 'stderr');
      const file = () => logFilePath(this.args?.storageDir, this.objectPath, r.name, t.kernel);
      if (r.verdict !== 'accepted') for (const e of logOutputEvents(t, this.roots, file, label)) this.sendEvent(e);
      t.cursor = 0;
    }
    this.stopOrEnd(this.walk.forward(0, -1));
  }

  /** A stop of the walk, or the session's end when nothing stops. */
  private stopOrEnd(stop: Stop | null): void {
    if (stop) this.stopAt(stop);
    else this.sendEvent(new TerminatedEvent());
  }

  private stopAt({ thread, step, reason }: Stop): void {
    const t = this.traces[thread];
    t.cursor = step;
    this.current = thread;
    this.vars.reset();
    this.places.reset();
    this.frameHandles.reset();
    const r = t.program.report;
    const text = reason === 'exception' ? r.message ?? 'rejected by the verifier' : undefined;
    const e = new StoppedEvent(reason, thread + 1, text) as DebugProtocol.StoppedEvent;
    e.body.allThreadsStopped = true;
    if (reason === 'exception') e.body.description = REJECT_STOP_LABEL; // the Call Stack's badge, instead of "Paused on exception"
    this.sendEvent(e);
  }

  private trace(threadId: number | undefined): ProgramTrace | undefined {
    return this.traces[(threadId ?? this.current + 1) - 1];
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    // by what was asked for: a kernel that could not be had still makes the others' names say their kernel
    const severalKernels = new Set(this.args?.kernels ?? [HOST_KERNEL]).size > 1;
    response.body = { threads: this.traces.map((t, i) => new Thread(i + 1, threadName(t, severalKernels))) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const t = this.trace(args.threadId);
    const frames: StackFrame[] = [];
    if (t && t.length > 0) {
      this.current = args.threadId - 1;
      for (const f of t.frames(t.cursor)) {
        const loc = t.location(f.step);
        const sf = new StackFrame(this.frameHandles.create({ thread: args.threadId, depth: f.depth }), `${f.name} @ insn ${f.insn}`,
          loc ? new Source(path.basename(loc.file), loc.file) : undefined, loc ? loc.line : 0, loc ? loc.column : 0) as DebugProtocol.StackFrame;
        sf.instructionPointerReference = insnAddress(f.insn);
        frames.push(sf);
      }
    }
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const h = this.frameHandles.get(args.frameId);
    const t = h && this.trace(h.thread);
    response.body = { scopes: t ? scopesOf(t, h.depth, (n) => this.vars.create(n)) : [] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const node = this.vars.get(args.variablesReference);
    response.body = { variables: node ? variablesOf(node, (n) => this.vars.create(n), (l) => this.places.create(l)) : [] };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    response.body = evaluateAt(this.trace(undefined), args.expression, (n) => this.vars.create(n));
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    const t = this.trace(args.threadId);
    response.body = exceptionInfoBody(t?.program.report, t?.kernel ?? HOST_KERNEL);
    this.sendResponse(response);
  }

  /** "Jump to Cursor": the path's nearest step on that line, back first (the causal path's origin in one action). */
  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const t = this.trace(undefined);
    response.body = { targets: t && args.source.path ? gotoTargets(t, args.source.path, args.line) : [] };
    this.sendResponse(response);
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    this.sendResponse(response);
    const t = this.trace(args.threadId);
    if (t && args.targetId >= 0 && args.targetId < t.length) this.stopAt({ thread: args.threadId - 1, step: args.targetId, reason: 'goto' });
  }

  /** `locations`: where a Why step's `valueLocationReference` points. */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: { locationReference?: number }): void {
    const loc = command === 'locations' && args?.locationReference ? this.places.get(args.locationReference) : undefined;
    if (!loc) return this.sendErrorResponse(response, 1100, `unknown request ${command}`);
    response.body = { source: new Source(path.basename(loc.file), loc.file), line: loc.line, ...(loc.column ? { column: loc.column } : {}) };
    this.sendResponse(response);
  }

  private move(response: DebugProtocol.Response, threadId: number, to: (t: ProgramTrace) => number): void {
    this.sendResponse(response);
    const t = this.trace(threadId);
    if (!t || t.length === 0) return;
    this.stopAt(this.walk.stepTo(threadId - 1, to(t)));
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.move(response, args.threadId, (t) => args.granularity === 'instruction' ? Math.min(t.length - 1, t.cursor + 1) : t.nextLine(t.cursor, 1));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.move(response, args.threadId, (t) => args.granularity === 'instruction' ? Math.min(t.length - 1, t.cursor + 1) : t.nextLine(t.cursor, 1, true));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.move(response, args.threadId, (t) => t.outOf(t.cursor));
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.move(response, args.threadId, (t) => args.granularity === 'instruction' ? Math.max(0, t.cursor - 1) : t.nextLine(t.cursor, -1));
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse, args: DebugProtocol.ReverseContinueArguments): void {
    this.sendResponse(response);
    if (this.trace(args.threadId)) this.stopAt(this.walk.backward(args.threadId - 1));
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse, args: DebugProtocol.ContinueArguments): void {
    response.body = { allThreadsContinued: false };
    this.sendResponse(response);
    if (this.traces[args.threadId - 1]) this.stopOrEnd(this.walk.continueFrom(args.threadId - 1));
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const file = args.source.path ?? '';
    const lines = (args.breakpoints ?? []).map((b) => b.line);
    this.walk.breakpoints.setSource(file, lines);
    const reached = BreakpointSet.reachedLines(this.traces, file);
    response.body = { breakpoints: lines.map((line) => new Breakpoint(this.traces.length === 0 || reached.has(line), line)) };
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.walk.breakpoints.setInstructions(args.breakpoints.map((b) => addressInsn(b.instructionReference) + Math.floor((b.offset ?? 0) / 8)));
    response.body = { breakpoints: args.breakpoints.map(() => ({ verified: true })) };
    this.sendResponse(response);
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const t = this.trace(undefined);
    response.body = { instructions: t ? disassemble(t, args) : [] };
    this.sendResponse(response);
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse): Promise<void> {
    if (!this.args) {
      this.sendErrorResponse(response, { id: DapErrorId.BadLaunch, format: 'Nothing to restart yet.', showUser: true });
      return;
    }
    await this.verifyAndRun(response);
  }

  /** Stop (terminate) or the client's end (disconnect): abort what is running, then close the loader. */
  private async end(): Promise<void> {
    this.ending.abort();
    await this.loader?.close();
    this.loader = undefined;
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.end();
    this.sendResponse(response);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.end();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }
}
