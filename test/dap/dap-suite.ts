import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { bugLine, examplePath } from '../support/examples';
import { DIST } from '../support/paths';

/** 1-based line of the first line of an example containing `text`. */
export function lineOf(name: string, text: string): number {
  const idx = readFileSync(examplePath(name), 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(idx >= 0, `${text} in ${name}`);
  return idx + 1;
}

export interface AdapterOptions {
  /** Added to the adapter's environment (the editor sets EBPF_DEBUGGER_TRACE, say). */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds a request or awaited event may take (DebugClient's defaultTimeout; 30 s unless set). */
  timeout?: number;
}

/** The adapter a test talks to: `dc` is the running client. */
export interface TestAdapter {
  readonly dc: DebugClient;
  /** Stops the running adapter, if any, and starts a fresh one (a session of its own); the options add to the describe's. */
  start(options?: AdapterOptions): Promise<DebugClient>;
}

/**
 * Call inside a describe: each of its tests gets the bundled adapter (dist/adapter.js) as a DAP client, started before
 * the test (or, with `startBeforeEach: false`, when the test calls `start`) and stopped after it.
 */
export function adapterPerTest(options: AdapterOptions & { startBeforeEach?: boolean } = {}): TestAdapter {
  let current: DebugClient | undefined;
  async function stop() {
    const dc = current;
    current = undefined;
    await dc?.stop();
  }
  async function start(more: AdapterOptions = {}) {
    await stop();
    const { env, timeout } = { ...options, ...more };
    current = new DebugClient('node', path.join(DIST, 'adapter.js'), 'ebpf', env ? { env: { ...process.env, ...env } } : undefined);
    // not DebugClient's 5 s: a launch's build and load took 2-3.7 s per test on a loaded 2-core machine; a hang still fails
    current.defaultTimeout = timeout ?? 30_000;
    await current.start();
    return current;
  }
  if (options.startBeforeEach !== false) beforeEach(() => start());
  afterEach(stop);
  return {
    get dc() {
      if (!current) throw new Error('no adapter running: call start() first');
      return current;
    },
    start,
  };
}

/** Configures and launches with `args`, expecting the first stop to be a reject at `at`: the stack trace there. */
export async function launchToReject(dc: DebugClient, args: object, at: { path?: string; line: number }): Promise<DebugProtocol.StackTraceResponse> {
  const [, , trace] = await Promise.all([dc.configurationSequence(), dc.launch(args), dc.assertStoppedLocation('exception', at)]);
  return trace as DebugProtocol.StackTraceResponse;
}

/** Launches as a client that shows progress (VS Code does), then configures: the first stop. */
export async function launchAsProgressClient(dc: DebugClient, args: object): Promise<DebugProtocol.StoppedEvent> {
  // `initialized` follows the initialize response at once: wait for it before asking, or it can be missed
  const configured = dc.configurationSequence();
  await dc.initializeRequest({ adapterID: 'ebpf', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsProgressReporting: true });
  const [, , stopped] = await Promise.all([configured, dc.launchRequest(args as DebugProtocol.LaunchRequestArguments), dc.waitForEvent('stopped')]);
  return stopped as DebugProtocol.StoppedEvent;
}

/** The top frame of a thread's stack. */
export async function topFrame(dc: DebugClient, threadId = 1): Promise<DebugProtocol.StackFrame> {
  return (await dc.stackTraceRequest({ threadId })).body.stackFrames[0];
}

/** The variables of a frame's scope named `scope`; fails the test when the frame has no such scope. */
export async function scopeVariables(dc: DebugClient, frameId: number, scope: string): Promise<DebugProtocol.Variable[]> {
  const scopes = await dc.scopesRequest({ frameId });
  const s = scopes.body.scopes.find((x) => x.name === scope);
  assert.ok(s, `scope ${scope} in ${scopes.body.scopes.map((x) => x.name)}`);
  return (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
}

/**
 * The debugger's behaviour, run against the loader `session` chooses: the real kernel ({}), or saved logs
 * ({ replayLog: dir }, as "Debug This Log" launches it).
 */
export function dapSuite(session: object): void {
  const adapter = adapterPerTest();
  const launch = (name: string, extra: object = {}) => adapter.dc.launch({ program: examplePath(name), ...session, ...extra });
  const stopAtReject = (name: string, extra: object = {}) =>
    launchToReject(adapter.dc, { program: examplePath(name), ...session, ...extra }, { path: examplePath(name), line: bugLine(name) });
  /** Sets a breakpoint on `line` of the example once initialized, launches and expects the stop there: the breakpoints' response. */
  async function stopAtBreakpoint(name: string, line: number, extra: object = {}) {
    const { dc } = adapter;
    const [set] = await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: examplePath(name) }, breakpoints: [{ line }] }))
        .then(async (r) => { await dc.configurationDoneRequest(); return r; }),
      launch(name, extra),
      dc.assertStoppedLocation('breakpoint', { path: examplePath(name), line }),
    ]);
    return set;
  }
  const top = () => topFrame(adapter.dc);
  const insnOf = (f: DebugProtocol.StackFrame) => Number(BigInt(f.instructionPointerReference!)) / 8;
  const variables = (frameId: number, scope: string) => scopeVariables(adapter.dc, frameId, scope);

  it('stops every rejected example on its BUG line, with R10 known there', async () => {
    for (const name of ['null_deref', 'packet_bounds', 'subprog_reject']) {
      await adapter.start();
      const trace = await stopAtReject(name);
      const regs = await variables(trace.body.stackFrames[0].id, 'Registers');
      assert.ok(regs.some((v) => v.name === 'R10'), `${name}: R10 at the reject`);
    }
  });

  it('links the log\'s source annotations in the debug console to their lines', async () => {
    const { dc } = adapter;
    const linked: DebugProtocol.OutputEvent[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.source) linked.push(e); });
    await stopAtReject('null_deref');
    const toBug = linked.find((e) => e.body.line === bugLine('null_deref'));
    assert.ok(toBug, `an output line linked to line ${bugLine('null_deref')}`);
    assert.equal(toBug.body.source?.path, examplePath('null_deref'));
    assert.match(toBug.body.output, /^; \*count \+= 1;/);
  });

  it('stops on the reject with registers, stack and the explanation', async () => {
    const { dc } = adapter;
    const trace = await stopAtReject('null_deref');
    const frame = trace.body.stackFrames[0];
    assert.match(frame.name, /^null_deref @ insn \d+$/);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'Rejected by the verifier');
    assert.equal(info.body.details?.message, "R0 invalid mem access 'map_value_or_null'");
    // the widget's body: the message, what it means and the fix for an XDP program
    assert.match(info.body.description ?? '', /^R0 invalid mem access 'map_value_or_null'\n\nPossible NULL dereference: [\s\S]*Fix: .*if \(!p\) return XDP_PASS;/);
    const regs = await variables(frame.id, 'Registers');
    const r0 = regs.find((v) => v.name === 'R0');
    assert.match(r0?.value ?? '', /^map_value_or_null → packet_count \(ks=4, vs=8\) id=\d+$/);
    const r0Fields = (await dc.variablesRequest({ variablesReference: r0!.variablesReference })).body.variables;
    assert.deepEqual(r0Fields.find((v) => v.name === 'map')?.value, 'packet_count (key_size=4, value_size=8)');
    assert.ok(regs.some((v) => v.name === 'R10' && v.value === 'fp0'));
    const stack = await variables(frame.id, 'Stack');
    assert.equal(stack.find((v) => v.name === 'fp-8')?.value, 'mmmm????');
    const reject = await variables(frame.id, 'Reject');
    assert.match(reject.find((v) => v.name === 'fix')?.value ?? '', /if \(!p\) return XDP_PASS;/);
  });

  it('shows the callee frame and the caller at its call site for a reject in a subprogram', async () => {
    const trace = await stopAtReject('subprog_reject');
    const frames = trace.body.stackFrames;
    assert.equal(frames.length, 2);
    assert.match(frames[0].name, /^account @ insn 17$/);
    assert.equal(frames[1].line, lineOf('subprog_reject', 'account(s, ctx->data_end'));
    assert.match(frames[1].name, /^subprog_reject @ insn \d+$/);
    const callerRegs = await variables(frames[1].id, 'Registers');
    assert.ok(callerRegs.some((v) => v.name === 'R6' && v.value === 'ctx'), 'the caller keeps ctx in R6');
    const calleeRegs = await variables(frames[0].id, 'Registers');
    assert.match(calleeRegs.find((v) => v.name === 'R1')?.value ?? '', /^map_value_or_null/);
  });

  it('steps back and forward along the path, by line and by instruction', async () => {
    const { dc } = adapter;
    await stopAtReject('null_deref');
    const rejectInsn = insnOf(await top());
    await Promise.all([dc.stepBackRequest({ threadId: 1 }), dc.waitForEvent('stopped')]);
    assert.equal((await top()).line, lineOf('null_deref', '= bpf_map_lookup_elem('));
    await Promise.all([dc.nextRequest({ threadId: 1 }), dc.assertStoppedLocation('exception', { line: bugLine('null_deref') })]);
    await Promise.all([dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }), dc.waitForEvent('stopped')]);
    const back = insnOf(await top());
    assert.ok(back < rejectInsn, `${back} < ${rejectInsn}`);
    const regs = await variables((await top()).id, 'Registers');
    assert.ok(!regs.some((v) => v.name === 'R0' && /or_null/.test(v.value)), 'before the call, R0 is not the lookup result yet');
  });

  it('stops at a source breakpoint on the path, continues to the reject, and reverse-continues back', async () => {
    const { dc } = adapter;
    const bp = lineOf('null_deref', '= bpf_map_lookup_elem(');
    const set = await stopAtBreakpoint('null_deref', bp);
    assert.equal(set.body.breakpoints[0].verified, true);
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.assertStoppedLocation('exception', { line: bugLine('null_deref') })]);
    await Promise.all([dc.reverseContinueRequest({ threadId: 1 }), dc.assertStoppedLocation('breakpoint', { line: bp })]);
  });

  it('stops at an instruction breakpoint, and disassembles with source lines', async () => {
    const { dc } = adapter;
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x18' }] }))
        .then(() => dc.configurationDoneRequest()),
      launch('null_deref'),
      dc.waitForEvent('stopped').then((e) => assert.equal(e.body.reason, 'instruction breakpoint')),
    ]);
    const frame = await top();
    assert.equal(insnOf(frame), 3);
    const dis = await dc.disassembleRequest({ memoryReference: frame.instructionPointerReference!, instructionOffset: -3, instructionCount: 10 });
    const ins = dis.body!.instructions;
    assert.equal(ins.length, 10);
    assert.equal(ins[0].address, '0x0');
    assert.ok(ins.some((i) => i.instruction === 'r1 = *(u64 *)(r0 +0)'), 'the reject instruction is there');
    assert.ok(ins.some((i) => i.line === bugLine('null_deref')), 'instructions carry their source line');
  });

  it('steps into the subprogram from its call site, and out again is the reject', async () => {
    const { dc } = adapter;
    const call = lineOf('subprog_reject', 'account(s, ctx->data_end');
    await stopAtBreakpoint('subprog_reject', call);
    for (let i = 0; i < 20 && !/^account/.test((await top()).name); i++) {
      await Promise.all([dc.stepInRequest({ threadId: 1, granularity: 'instruction' }), dc.waitForEvent('stopped')]);
    }
    assert.equal((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.length, 2, 'inside account, two frames');
    await Promise.all([dc.stepOutRequest({ threadId: 1 }), dc.assertStoppedLocation('exception', { line: bugLine('subprog_reject') })]);
  });

  it('walks an accepted program\'s level-2 exploration and ends', async () => {
    const { dc } = adapter;
    const bp = lineOf('count_ok', 'if (count)');
    await stopAtBreakpoint('count_ok', bp, { logLevel: 2 });
    const threads = (await dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => t.name), ['✓ count_ok (xdp)']);
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('terminated')]);
  });

  it('restart verifies again and stops on the reject again; evaluate reads a register', async () => {
    const { dc } = adapter;
    await stopAtReject('packet_bounds');
    const ev = await dc.evaluateRequest({ expression: 'r1', context: 'hover' });
    assert.match(ev.body.result, /^pkt/);
    await Promise.all([dc.restartRequest({}), dc.assertStoppedLocation('exception', { line: bugLine('packet_bounds') })]);
  });
}
