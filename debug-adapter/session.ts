import path from 'node:path';
import {
  Breakpoint, Event, Handles, InitializedEvent, LoggingDebugSession, OutputEvent, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BuildError } from '../core/build/clang';
import { BUILD_FAILED_DEBUG_EVENT, HOST_KERNEL, VERDICTS_DEBUG_EVENT, type BuildFailedEventBody, type VerdictsEventBody } from '../core/editor-events';
import { describeError, isEbpfError } from '../core/errors';
import { type EbpfLaunchArguments, validateLaunchArguments } from '../core/launch-attributes';
import type { Loader } from '../core/loader/loader';
import { HelperClient } from '../core/loader/helper-client';
import { loadObjectSourceMap, programMap } from '../core/source-map/object-source-map';
import { BreakpointSet } from './breakpoints';
import { logOutputEvents } from './console-log';
import { addressInsn, disassemble, insnAddress } from './disassembly';
import { DapErrorId } from './errors';
import { ReplayLoader } from './kernel/replay-loader';
import { verifyOnKernels } from './kernel-runs';
import { logFilePath } from './log-files';
import { ProgressReporter } from './progress';
import { exceptionInfoBody, REJECT_TITLE } from './reject-info';
import { orderThreads, threadName } from './threads';
import { runBuildCommand } from './build-command';
import { ProgramTrace } from './runtime/program-trace';
import { describeValue, variablesOf, type VarNode } from './variables';
import { LocationHandles, gotoTargets } from './why-navigation';

type LaunchRequestArguments = DebugProtocol.LaunchRequestArguments & EbpfLaunchArguments;
type StopReason = 'exception' | 'breakpoint' | 'step' | 'entry' | 'instruction breakpoint' | 'goto';

/**
 * One debug session = one object verified in the kernel. Each program is a thread whose "execution" is the
 * verifier's path: a rejected program stops on its reject, and the user steps forward and back along the path.
 */
export class EbpfDebugSession extends LoggingDebugSession {
  private loader: Loader | undefined;
  private traces: ProgramTrace[] = [];
  private args: LaunchRequestArguments | undefined;
  private roots: string[] = [];
  private objectPath: string | undefined;
  private current = 0; // the thread (program) last stopped or asked about
  private finished = new Set<number>();
  private configurationDone!: Promise<void>;
  private resolveConfigurationDone!: () => void;
  private vars = new Handles<VarNode>();
  private places = new LocationHandles();
  private frameHandles = new Handles<{ thread: number; depth: number }>();
  private breakpoints = new BreakpointSet();
  private progress = new ProgressReporter((e) => this.sendEvent(e));

  constructor() {
    super();
    this.configurationDone = new Promise((r) => { this.resolveConfigurationDone = r; });
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** The host's loader: the helper, or with `replayLog` ("Debug This Log") the saved logs of that directory. */
  protected createLoader(args: EbpfLaunchArguments): Loader {
    if (args.replayLog) return new ReplayLoader(args.replayLog);
    return new HelperClient({ capabilities: args.capabilities, timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined });
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.progress.enabled = args.supportsProgressReporting === true;
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsExceptionInfoRequest: true,
      supportsTerminateRequest: true,
      supportsStepBack: true,
      supportsRestartRequest: true,
      supportsDisassembleRequest: true,
      supportsGotoTargetsRequest: true,
      supportsInstructionBreakpoints: true,
      supportsSteppingGranularity: true,
      supportsEvaluateForHovers: true,
    };
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
    const failure = await this.verify(args);
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
    const program = path.resolve(args.cwd ?? process.cwd(), args.program);
    try {
      this.print(`eBPF: verifying ${program}${args.programName ? ` (program ${args.programName})` : ''}`);
      if (typeof args.build === 'string') await runBuildCommand(args.build, args.cwd ?? path.dirname(program), args.env, (t) => this.print(t, 'stdout'));
      const runs = await verifyOnKernels(this.loader, program, args, {
        say: (t, problem) => this.print(t, problem ? 'stderr' : 'console'),
        progress: this.progress.begin(),
        // the client's Problems and results view hear of each kernel's verdicts as soon as they are known; a replayed
        // log is no verdict on the object as it is now, so it must not supersede one
        verified: (run) => { if (!args.replayLog) this.sendEvent(new Event(VERDICTS_DEBUG_EVENT, { report: run.report, kernel: run.kernel } satisfies VerdictsEventBody)); },
      });
      const first = runs[0].report;
      this.objectPath = first.source ?? first.object; // what the user named: a source's built object lives in the cache
      this.roots = [...(first.source ? [path.dirname(first.source)] : []), path.dirname(first.object), ...(args.sourceRoots ?? [])];
      const { obj } = loadObjectSourceMap(first.object);
      this.traces = orderThreads(runs.flatMap((run) => run.programs.map((p) => new ProgramTrace(p, programMap(obj, p.report.name), this.roots, run.kernel))));
      this.finished.clear();
      this.vars.reset();
      this.frameHandles.reset();
      return null;
    } catch (e) {
      // the client turns clang's diagnostics into Problems entries
      if (e instanceof BuildError) this.sendEvent(new Event(BUILD_FAILED_DEBUG_EVENT, { diagnostics: e.diagnostics, message: e.message } satisfies BuildFailedEventBody));
      const id = e instanceof BuildError ? DapErrorId.BuildFailed : isEbpfError(e) ? DapErrorId.Environment : DapErrorId.Internal;
      return { id, format: describeError(e).replace(/[{}]/g, ''), showUser: true };
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
      const file = () => logFilePath(this.args?.storageDir, this.objectOf(), r.name, t.kernel);
      if (r.verdict !== 'accepted') for (const e of logOutputEvents(t, this.roots, file, label)) this.sendEvent(e);
      t.cursor = 0;
    }
    this.runForward(0, -1);
  }

  /** From thread `thread`'s step `from`, run to the next breakpoint or reject; then on to the next program. */
  private runForward(thread: number, from: number): void {
    for (let th = thread; th < this.traces.length; th++) {
      const t = this.traces[th];
      if (this.finished.has(th)) continue;
      const start = th === thread ? from + 1 : 0;
      for (let k = Math.max(0, start); k < t.length; k++) {
        if (this.breakpoints.hits(t, k) && !(t.rejected && k === t.length - 1)) return this.stopAt(th, k, this.breakpoints.isInstructionHit(t, k) ? 'instruction breakpoint' : 'breakpoint');
      }
      if (t.rejected && t.length > 0 && start <= t.length - 1) return this.stopAt(th, t.length - 1, 'exception');
      this.finished.add(th);
    }
    this.sendEvent(new TerminatedEvent());
  }

  /** The object (or source) the session verifies: the saved logs are kept per object. */
  private objectOf(): string {
    return this.objectPath ?? path.resolve(this.args?.cwd ?? process.cwd(), this.args?.program ?? '.');
  }

  private stopAt(thread: number, step: number, reason: StopReason): void {
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
    if (reason === 'exception') e.body.description = REJECT_TITLE; // the Call Stack's "Paused on ..." label
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
    const scopes: Scope[] = [];
    if (t && h) {
      const frame = t.frames(t.cursor)[h.depth];
      const state = t.state(frame.step)?.state; // a caller's registers are those at its call instruction
      if (state) {
        scopes.push(new Scope('Registers', this.vars.create({ kind: 'registers', state }), false));
        scopes.push(new Scope('Stack', this.vars.create({ kind: 'stack', state }), false));
        if (state.refs.length > 0) scopes.push(new Scope('References', this.vars.create({ kind: 'refs', state }), false));
      }
      if (h.depth === 0 && t.rejected && t.cursor === t.length - 1) scopes.push(new Scope('Reject', this.vars.create({ kind: 'reject', program: t.program }), false));
      const why = t.program.report;
      if (h.depth === 0 && t.rejected && t.cursor === t.length - 1 && ((why.causalPath?.length ?? 0) > 0 || (why.hotLines?.length ?? 0) > 0)) {
        scopes.push(new Scope('Why', this.vars.create({ kind: 'why', why }), false));
      }
    }
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const node = this.vars.get(args.variablesReference);
    response.body = { variables: node ? variablesOf(node, (n) => this.vars.create(n), (l) => this.places.create(l)) : [] };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const t = this.trace(undefined);
    const st = t?.state(t.cursor)?.state;
    const m = /^\s*(?:[rR](\d+)|(fp-\d+))\s*$/.exec(args.expression);
    const reg = m && st ? (m[1] !== undefined ? st.regs.get(Number(m[1])) : undefined) : undefined;
    const slot = m && st && m[2] ? st.stack.get(Number(m[2].slice(2))) : undefined;
    if (reg || slot) {
      const node: VarNode = reg ? { kind: 'reg', value: reg.value } : { kind: 'slot', slot: slot! };
      const value = reg ? describeValue(reg.value) : slot!.raw;
      response.body = { result: value, variablesReference: this.vars.create(node) };
    } else {
      response.body = { result: st ? `not a register or stack slot at insn ${t!.insns[t!.cursor]}` : 'not stopped', variablesReference: 0 };
    }
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
    if (t && args.targetId >= 0 && args.targetId < t.length) this.stopAt(args.threadId - 1, args.targetId, 'goto');
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
    const step = to(t);
    this.stopAt(threadId - 1, step, t.rejected && step === t.length - 1 ? 'exception' : 'step');
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
    const t = this.trace(args.threadId);
    if (!t) return;
    for (let k = t.cursor - 1; k >= 0; k--) if (this.breakpoints.hits(t, k)) return this.stopAt(args.threadId - 1, k, 'breakpoint');
    this.stopAt(args.threadId - 1, 0, 'entry');
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse, args: DebugProtocol.ContinueArguments): void {
    response.body = { allThreadsContinued: false };
    this.sendResponse(response);
    const th = args.threadId - 1;
    const t = this.traces[th];
    if (!t) return;
    if (t.cursor >= t.length - 1) {
      this.finished.add(th); // past the reject: this program is done
      this.runForward(th + 1, -1);
    } else {
      this.runForward(th, t.cursor);
    }
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const file = args.source.path ?? '';
    const lines = (args.breakpoints ?? []).map((b) => b.line);
    this.breakpoints.setSource(file, lines);
    const reached = BreakpointSet.reachedLines(this.traces, file);
    response.body = { breakpoints: lines.map((line) => new Breakpoint(this.traces.length === 0 || reached.has(line), line)) };
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.breakpoints.setInstructions(args.breakpoints.map((b) => addressInsn(b.instructionReference) + Math.floor((b.offset ?? 0) / 8)));
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
    const failure = await this.verify(this.args);
    if (failure) {
      this.sendErrorResponse(response, failure);
      return;
    }
    this.sendResponse(response);
    this.startRun();
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.loader?.close();
    this.loader = undefined;
    this.sendResponse(response);
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.loader?.close();
    this.loader = undefined;
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }
}
