import path from 'node:path';
import {
  Breakpoint, Event, Handles, InitializedEvent, LoggingDebugSession, OutputEvent, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BuildError } from '../core/build/clang';
import { describeError, isEbpfError } from '../core/errors';
import { type EbpfLaunchArguments, validateLaunchArguments } from '../core/launch-attributes';
import type { Loader } from '../core/loader/loader';
import { HelperClient } from '../core/loader/helper-client';
import { loadObjectSourceMap, programMap } from '../core/source-map/object-source-map';
import { verifyObject } from '../core/verify/verify-object';
import { BreakpointSet } from './breakpoints';
import { logOutputEvents } from './console-log';
import { addressInsn, disassemble, insnAddress } from './disassembly';
import { DapErrorId } from './errors';
import { ReplayLoader } from './kernel/replay-loader';
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
  private current = 0; // the thread (program) last stopped or asked about
  private finished = new Set<number>();
  private configurationDone!: Promise<void>;
  private resolveConfigurationDone!: () => void;
  private vars = new Handles<VarNode>();
  private places = new LocationHandles();
  private frameHandles = new Handles<{ thread: number; depth: number }>();
  private breakpoints = new BreakpointSet();

  constructor() {
    super();
    this.configurationDone = new Promise((r) => { this.resolveConfigurationDone = r; });
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** The kernel loader; EBPF_DEBUGGER_REPLAY=<dir> replays saved logs instead (UI tests only). */
  protected createLoader(args: EbpfLaunchArguments): Loader {
    const replay = process.env.EBPF_DEBUGGER_REPLAY;
    return replay ? new ReplayLoader(replay) : new HelperClient({ capabilities: args.capabilities, timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : undefined });
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
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

  /** Build and verify; the traces replace any previous run's. Returns the error to report, if any. */
  private async verify(args: LaunchRequestArguments): Promise<DebugProtocol.Message | null> {
    await this.loader?.close();
    this.loader = this.createLoader(args);
    const program = path.resolve(args.cwd ?? process.cwd(), args.program);
    try {
      this.print(`eBPF: verifying ${program}${args.programName ? ` (program ${args.programName})` : ''}`);
      if (typeof args.build === 'string') await runBuildCommand(args.build, args.cwd ?? path.dirname(program), args.env, (t) => this.print(t, 'stdout'));
      const run = await verifyObject(this.loader, program, {
        programName: args.programName,
        logLevel: args.logLevel,
        sourceRoots: args.sourceRoots,
        build: Array.isArray(args.build) ? { extraArgs: args.build } : undefined,
      });
      this.roots = [...(run.report.source ? [path.dirname(run.report.source)] : []), path.dirname(run.report.object), ...(args.sourceRoots ?? [])];
      const { obj } = loadObjectSourceMap(run.report.object);
      this.traces = run.programs.map((p) => new ProgramTrace(p, programMap(obj, p.report.name), this.roots));
      this.finished.clear();
      this.vars.reset();
      this.frameHandles.reset();
      return null;
    } catch (e) {
      // the client turns clang's diagnostics into Problems entries
      if (e instanceof BuildError) this.sendEvent(new Event('ebpf/buildFailed', { diagnostics: e.diagnostics, message: e.message }));
      const id = e instanceof BuildError ? DapErrorId.BuildFailed : isEbpfError(e) ? DapErrorId.Environment : DapErrorId.Internal;
      return { id, format: describeError(e).replace(/[{}]/g, ''), showUser: true };
    }
  }

  /** Report every program, then stop on the first breakpoint or reject; end when nothing stops. */
  private startRun(): void {
    for (const t of this.traces) {
      const r = t.program.report;
      const stats = r.stats.processedInsns !== undefined ? `${r.stats.processedInsns} insns processed` : 'no stats';
      this.print(`${r.name} (${r.section}): ${r.verdict}${r.errnoName ? ` ${r.errnoName}` : ''} — ${stats}`);
      if (r.verdict === 'error' && r.message) this.print(r.message, 'stderr');
      if (r.verdict !== 'accepted') for (const e of logOutputEvents(t, this.roots)) this.sendEvent(e);
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
    if (reason === 'exception') e.body.description = `Rejected by the verifier: ${r.messageLines[r.messageLines.length - 1] ?? ''}`;
    this.sendEvent(e);
  }

  private trace(threadId: number | undefined): ProgramTrace | undefined {
    return this.traces[(threadId ?? this.current + 1) - 1];
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: this.traces.map((t, i) => new Thread(i + 1, `${t.program.report.name} (${t.program.report.verdict})`)) };
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
    const r = this.trace(args.threadId)?.program.report;
    const ex = r?.explanation;
    response.body = {
      exceptionId: r?.errnoName ?? 'verifier',
      description: r?.message ?? 'No reject on this thread.',
      breakMode: 'always',
      details: r ? { message: ex ? `${r.message}\n\n${ex.title}: ${ex.explanation}\nFix: ${ex.fix}` : r.message ?? undefined, typeName: `${r.name}: ${r.verdict}` } : undefined,
    };
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
