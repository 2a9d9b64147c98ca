import path from 'node:path';
import {
  Handles, InitializedEvent, LoggingDebugSession, OutputEvent, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BuildError } from '../core/build/clang';
import { describeError, isEbpfError } from '../core/errors';
import { type EbpfLaunchArguments, validateLaunchArguments } from '../core/launch-attributes';
import type { Loader } from '../core/loader/loader';
import { HelperClient } from '../core/loader/helper-client';
import { verifyObject, type VerifiedProgram } from '../core/verify/verify-object';
import { DapErrorId } from './errors';
import { rejectVariables } from './variables';

type LaunchRequestArguments = DebugProtocol.LaunchRequestArguments & EbpfLaunchArguments;

/**
 * One debug session = one object verified in the kernel. Each program is a thread; a rejected program
 * stops with reason `exception` at the reject's source line.
 */
export class EbpfDebugSession extends LoggingDebugSession {
  private loader: Loader | undefined;
  private programs: VerifiedProgram[] = [];
  private stopped: number | undefined; // index into programs
  private configurationDone!: Promise<void>;
  private resolveConfigurationDone!: () => void;
  private variableHandles = new Handles<VerifiedProgram>();

  constructor() {
    super();
    this.configurationDone = new Promise((r) => { this.resolveConfigurationDone = r; });
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** The kernel loader for this session; a subclass can replay saved logs instead (tests of the UI logic only). */
  protected createLoader(): Loader {
    return new HelperClient();
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsExceptionInfoRequest: true,
      supportsTerminateRequest: true,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.resolveConfigurationDone();
    this.sendResponse(response);
  }

  private print(text: string, category: 'console' | 'stdout' | 'stderr' | 'important' = 'console'): void {
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
    this.loader = this.createLoader();
    try {
      this.print(`eBPF: verifying ${args.program}${args.programName ? ` (program ${args.programName})` : ''}`);
      const run = await verifyObject(this.loader, args.program, {
        programName: args.programName,
        logLevel: args.logLevel,
        onLog: (_prog, chunk) => this.sendEvent(new OutputEvent(chunk.toString('utf8'), 'stdout')),
      });
      this.programs = run.programs;
    } catch (e) {
      const id = e instanceof BuildError ? DapErrorId.BuildFailed : isEbpfError(e) ? DapErrorId.Environment : DapErrorId.Internal;
      this.sendErrorResponse(response, { id, format: describeError(e).replace(/[{}]/g, ''), showUser: true });
      return;
    }
    this.sendResponse(response);
    for (const p of this.programs) {
      const r = p.report;
      const stats = r.stats.processedInsns !== undefined ? `${r.stats.processedInsns} insns processed` : 'no stats';
      this.print(`${r.name} (${r.section}): ${r.verdict}${r.errnoName ? ` ${r.errnoName}` : ''} — ${stats}`);
      if (r.verdict === 'error' && r.message) this.print(r.message, 'stderr');
    }
    this.stopAtNextReject(0);
  }

  /** Stop on the first rejected program at or after `from`; end the session when there is none. */
  private stopAtNextReject(from: number): void {
    const idx = this.programs.findIndex((p, i) => i >= from && p.report.verdict === 'rejected');
    if (idx < 0) {
      this.stopped = undefined;
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.stopped = idx;
    const r = this.programs[idx].report;
    const event = new StoppedEvent('exception', idx + 1, r.message ?? 'rejected by the verifier') as DebugProtocol.StoppedEvent;
    event.body.description = `Rejected by the verifier: ${r.messageLines[r.messageLines.length - 1] ?? ''}`;
    this.sendEvent(event);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: this.programs.map((p, i) => new Thread(i + 1, `${p.report.name} (${p.report.verdict})`)) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const p = this.programs[args.threadId - 1];
    const frames: StackFrame[] = [];
    if (p && p.report.verdict === 'rejected') {
      const loc = p.report.location;
      const name = `${p.report.name}${p.report.insn !== null ? ` @ insn ${p.report.insn}` : ''}`;
      const source = loc ? new Source(path.basename(loc.file), loc.file) : undefined;
      const line = loc ? this.convertDebuggerLineToClient(loc.line) : 0;
      const column = this.convertDebuggerColumnToClient(loc?.column ?? 1);
      frames.push(new StackFrame(args.threadId * 1000, name, source, line, column));
    }
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const p = this.programs[Math.floor(args.frameId / 1000) - 1];
    response.body = { scopes: p ? [new Scope('Verifier', this.variableHandles.create(p), false)] : [] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const p = this.variableHandles.get(args.variablesReference);
    response.body = { variables: p ? rejectVariables(p) : [] };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    const r = this.programs[args.threadId - 1]?.report;
    response.body = {
      exceptionId: r?.errnoName ?? 'verifier',
      description: r?.message ?? 'No reject on this thread.',
      breakMode: 'always',
      details: r ? { message: r.message ?? undefined, typeName: `${r.name}: ${r.verdict}` } : undefined,
    };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.stopAtNextReject((this.stopped ?? -1) + 1);
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
