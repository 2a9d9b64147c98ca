import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EbpfError } from '../errors';
import type { CapabilitySet } from './capabilities';
import { formatBytes } from './limits';
import type { Loader, VerifyOutcome } from './loader';
import type { HelloResult, HelperErrorBody, HelperMethod, ListResult, VerifyParams, VerifyResult } from './protocol';
import { traceJson } from './trace-summary';

interface Pending {
  method: HelperMethod;
  /** Log bytes and chunks streamed for the request: a trace counts them instead of showing them. */
  logBytes: number;
  logChunks: number;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onLog?: (chunk: Buffer, program?: string) => void;
  /** The helper process the request went to: only its own exit fails it. */
  child: ChildProcessWithoutNullStreams;
  /** Restarts the request's timeout (a log chunk is progress). */
  touch: () => void;
}

/** Default request timeout: well above the kernel's worst case (a 1M-instruction level-2 load takes well under a minute). */
export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/** `EBPF_DEBUGGER_TIMEOUT` (seconds) overrides the default; a bad value is a usage error, not a silent default. */
export function timeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.EBPF_DEBUGGER_TIMEOUT;
  if (raw === undefined || raw === '') return undefined;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) throw new EbpfError('usage', `EBPF_DEBUGGER_TIMEOUT must be a number of seconds above 0, not '${raw}'.`);
  return s * 1000;
}

/** The helper's exit codes before its first reply (debug-adapter/kernel/helper.ts). */
const EXIT_ERRORS: Record<number, 'usage' | 'no-privileges' | 'limit-exceeded'> = { 2: 'usage', 3: 'no-privileges', 4: 'limit-exceeded' };

/** Is `pid` the helper behind `childPid` (itself, or below sudo / sudo's pty monitor)? Guards against a reused pid. */
function isHelperOf(pid: number, childPid: number | undefined): boolean {
  if (childPid === undefined) return false;
  for (let p = pid, depth = 0; p > 1 && depth < 4; depth++) {
    if (p === childPid) return true;
    try {
      p = Number(/^PPid:\s*(\d+)$/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return false;
    }
  }
  return false;
}

/** Where the bundled helper sits: next to the bundle that imports this module (all bundles live in dist/). */
export function defaultHelperPath(): string {
  const beside = path.join(__dirname, 'helper.js');
  if (existsSync(beside)) return beside;
  return path.resolve(__dirname, '..', '..', 'dist', 'helper.js'); // running from sources (tests)
}

export interface HelperClientOptions {
  helperPath?: string;
  /** Node executable; inside VS Code this is Electron, run as plain Node. */
  nodePath?: string;
  /** Verify as a loader with only these capabilities would (default: the helper's own). */
  capabilities?: CapabilitySet;
  /** 'auto' (default): when not root, start the installed wrapper with `sudo -n`, then `pkexec`; 'none': never. */
  elevate?: 'auto' | 'none';
  /**
   * A request that gets no answer (and no log) for this long is cancelled, and if the helper still does not answer
   * its process is ended. Default: EBPF_DEBUGGER_TIMEOUT seconds, else DEFAULT_TIMEOUT_MS.
   */
  timeoutMs?: number;
  /** Extra environment for the helper process (tests play sudo with SUDO_UID/SUDO_GID). */
  env?: NodeJS.ProcessEnv;
  /**
   * Called with a one-line summary of each request sent ('send'), each reply ('recv': results cut short, logs as
   * byte counts) and the helper's start and exit ('process'), for a trace a bug report can carry.
   */
  onTrace?: (direction: TraceDirection, summary: string) => void;
}

export type TraceDirection = 'send' | 'recv' | 'process';

/** The root-owned wrapper `ebpf-debugger setup-privileges` installs; sudo/polkit rules name exactly this file. */
export const WRAPPER_PATH = '/usr/local/libexec/ebpf-debugger/ebpf-verify-helper';

/** Installed, root-owned, and writable by nobody else: only then may it be run with sudo. */
export function wrapperInstalled(wrapper = process.env.EBPF_DEBUGGER_WRAPPER ?? WRAPPER_PATH): boolean {
  try {
    const st = statSync(wrapper);
    return st.isFile() && st.uid === 0 && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

interface Launch { how: 'direct' | 'sudo' | 'pkexec'; cmd: string; args: string[] }

/** Talks to one loader helper process over NDJSON; requests are served one at a time. */
export class HelperClient implements Loader {
  private child: ChildProcessWithoutNullStreams | undefined;
  private starting: Promise<ChildProcessWithoutNullStreams> | undefined;
  /** How the running helper was started. */
  launchedVia: Launch['how'] | undefined;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private queue: Promise<unknown> = Promise.resolve();
  private partial: Buffer[] = [];
  /** The helper's own pid per child (from hello): behind sudo it is not the child's. */
  private helperPids = new Map<ChildProcessWithoutNullStreams, number>();
  /** Helpers ended by us (a cancel not answered in time): what they still write is dropped. */
  private ended = new WeakSet<ChildProcessWithoutNullStreams>();
  private readonly timeoutMs: number;

  constructor(private readonly opts: HelperClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? timeoutFromEnv() ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new EbpfError('usage', `The request timeout must be above 0 ms, not ${this.timeoutMs}.`);
  }

  private launches(): Launch[] {
    const helper = this.opts.helperPath ?? defaultHelperPath();
    if (!existsSync(helper)) {
      throw new EbpfError('helper-failed', `The loader helper ${helper} is missing.`, 'Run `npm run build` to create dist/helper.js.');
    }
    const caps = this.opts.capabilities && this.opts.capabilities !== 'full' ? [`--capabilities=${this.opts.capabilities}`] : [];
    const direct: Launch = { how: 'direct', cmd: this.opts.nodePath ?? process.execPath, args: [helper, ...caps] };
    if (process.getuid?.() === 0 || this.opts.elevate === 'none' || !wrapperInstalled()) return [direct];
    const wrapper = process.env.EBPF_DEBUGGER_WRAPPER ?? WRAPPER_PATH;
    return [{ how: 'sudo', cmd: 'sudo', args: ['-n', wrapper, ...caps] }, { how: 'pkexec', cmd: 'pkexec', args: [wrapper, ...caps] }, direct];
  }

  /** Summaries are built only when someone listens; a listener's failure never breaks a request. */
  private trace(direction: TraceDirection, summary: () => string): void {
    if (!this.opts.onTrace) return;
    try {
      this.opts.onTrace(direction, summary());
    } catch { /* tracing is best effort */ }
  }

  private spawnHelper(l: Launch): ChildProcessWithoutNullStreams {
    // SUDO_UID & co. in our own environment (a CLI run with sudo) must not make a directly started helper drop to
    // that user: it runs with our privileges; through sudo or pkexec the wrapper gets them afresh
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SUDO_(UID|GID|USER|COMMAND)|PKEXEC_UID)$/.test(k)));
    const child = spawn(l.cmd, l.args, { env: { ...inherited, ...this.opts.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.trace('process', () => `start helper (${l.how}, pid ${child.pid ?? '?'}): ${[l.cmd, ...l.args].join(' ')}`);
    let stderr = '';
    // an ended helper's last bytes (the rest of a log) must not be read as the next helper's replies
    child.stdout.on('data', (b: Buffer) => { if (!this.ended.has(child)) this.onData(b); });
    child.stderr.on('data', (b: Buffer) => { stderr = (stderr + b.toString('utf8')).slice(-8192); });
    child.on('error', (e) => this.failAll(new EbpfError('helper-failed', `Cannot start the loader helper (${l.how}): ${e.message}`), child));
    child.on('exit', (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        this.starting = undefined;
      }
      this.helperPids.delete(child);
      const said = stderr.trim().replace(/^ebpf-verify-helper: /gm, '');
      this.trace('process', () => `helper exited (${signal ? `signal ${signal}` : `code ${code}`})${said ? `: ${traceJson(said)}` : ''}`);
      const typed = code !== null ? EXIT_ERRORS[code] : undefined;
      if (typed && said) {
        this.failAll(new EbpfError(typed, said), child);
        return;
      }
      const why = signal ? `signal ${signal}` : `exit code ${code}`;
      this.failAll(new EbpfError('helper-failed', `The loader helper stopped (${why}).${said ? `\n${said}` : ''}`), child);
    });
    return child;
  }

  /** Start the helper the first way that answers `hello`: sudo, pkexec, then directly (unprivileged). */
  private ensureStarted(): Promise<ChildProcessWithoutNullStreams> {
    if (this.child) return Promise.resolve(this.child);
    this.starting ??= (async () => {
      let last: Error | undefined;
      for (const l of this.launches()) {
        const child = this.spawnHelper(l);
        try {
          const hello = await this.send<HelloResult>(child, 'hello', {});
          this.helperPids.set(child, hello.pid);
          this.child = child;
          this.launchedVia = l.how;
          return child;
        } catch (e) {
          last = e as Error;
          child.kill();
          // the helper ran and refused (bad arguments, a limit, a reply to hello): another launch would not help
          const code = (e as EbpfError).code;
          if (code === 'usage' || code === 'limit-exceeded' || (e as { answered?: boolean }).answered) break;
        }
      }
      this.starting = undefined;
      throw last ?? new EbpfError('helper-failed', 'The loader helper could not be started.');
    })();
    return this.starting;
  }

  /** Fail the requests sent to `child` (or all of them). */
  private failAll(e: Error, child?: ChildProcessWithoutNullStreams): void {
    for (const [id, p] of this.pending) {
      if (child && p.child !== child) continue;
      this.pending.delete(id);
      p.reject(e);
    }
  }

  /** Raw log bytes still owed after a `logBytes` header, and who they are for. */
  private raw: { remaining: number; program?: string; onLog?: (chunk: Buffer, program?: string) => void } | undefined;
  /** The request the helper is working on, for cancel(). */
  private inFlight: number | undefined;

  private onData(b: Buffer): void {
    let pos = 0;
    while (pos < b.length) {
      if (this.raw) {
        const take = Math.min(this.raw.remaining, b.length - pos);
        this.raw.onLog?.(b.subarray(pos, pos + take), this.raw.program);
        this.raw.remaining -= take;
        pos += take;
        if (this.raw.remaining === 0) this.raw = undefined;
        continue;
      }
      const nl = b.indexOf(10, pos);
      if (nl < 0) {
        this.partial.push(b.subarray(pos));
        break;
      }
      this.partial.push(b.subarray(pos, nl));
      const line = Buffer.concat(this.partial);
      this.partial = [];
      pos = nl + 1;
      if (line.length > 0) this.onLine(line);
    }
  }

  private onLine(line: Buffer): void {
    let msg: { id?: number; logBytes?: number; program?: string; result?: unknown; error?: HelperErrorBody };
    try {
      msg = JSON.parse(line.toString('utf8'));
    } catch {
      this.trace('recv', () => `a line that is not JSON (${line.length} bytes): ${traceJson(line.toString('utf8', 0, 200))}`);
      this.failAll(new EbpfError('helper-failed', `The loader helper wrote a line that is not JSON: ${line.toString('utf8', 0, 200)}`));
      return;
    }
    const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
    if (msg.logBytes !== undefined) {
      p?.touch();
      if (p) {
        p.logBytes += msg.logBytes;
        p.logChunks++;
      }
      if (msg.logBytes > 0) this.raw = { remaining: msg.logBytes, program: msg.program, onLog: p?.onLog };
      return;
    }
    if (!p) {
      this.trace('recv', () => `#${msg.id ?? 'null'} (no request waits for it) ${traceJson(msg)}`);
      return;
    }
    this.pending.delete(msg.id!);
    this.trace('recv', () => {
      const log = p.logChunks > 0 ? ` after ${formatBytes(p.logBytes)} of log in ${p.logChunks} chunk${p.logChunks === 1 ? '' : 's'}` : '';
      return msg.error ? `#${msg.id} ${p.method} error${log}: ${traceJson(msg.error)}` : `#${msg.id} ${p.method} result${log}: ${traceJson(msg.result)}`;
    });
    if (msg.error) p.reject(Object.assign(new EbpfError((msg.error.code as never) ?? 'helper-failed', msg.error.message, msg.error.hint), { answered: true }));
    else p.resolve(msg.result);
  }

  private send<T>(child: ChildProcessWithoutNullStreams, method: HelperMethod, params: unknown, onLog?: (chunk: Buffer, program?: string) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = this.nextId++;
      let timer: NodeJS.Timeout | undefined;
      const touch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => void this.timedOut(child, id, method), this.timeoutMs);
      };
      const done = () => {
        clearTimeout(timer);
        if (this.inFlight === id) this.inFlight = undefined;
      };
      this.pending.set(id, { method, logBytes: 0, logChunks: 0, resolve: (v) => { done(); resolve(v as T); }, reject: (e) => { done(); reject(e); }, onLog, child, touch });
      if (method !== 'cancel') this.inFlight = id;
      touch();
      this.trace('send', () => `#${id} ${method} ${traceJson(params)}`);
      child.stdin.write(JSON.stringify({ id, method, params }) + '\n');
    });
  }

  /** No answer in time: `cancel`, then end the helper's own process if it still does not answer. */
  private async timedOut(child: ChildProcessWithoutNullStreams, id: number, method: string): Promise<void> {
    if (!this.pending.has(id)) return;
    const secs = Math.round(this.timeoutMs / 100) / 10;
    const error = new EbpfError('timeout', `The loader helper did not answer '${method}' within ${secs} s; it was stopped.`,
      'Raise the timeout (verify --timeout SECONDS, the launch attribute "timeout", or EBPF_DEBUGGER_TIMEOUT=SECONDS) if the program really takes that long to verify.');
    if (await this.cancelThenEnd(child, id, Math.min(2000, this.timeoutMs))) return;
    this.failAll(error, child);
  }

  private request<T>(method: HelperMethod, params: unknown, onLog?: (chunk: Buffer, program?: string) => void): Promise<T> {
    const run = async () => this.send<T>(await this.ensureStarted(), method, params, onLog);
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  hello(): Promise<HelloResult> {
    return this.request('hello', {});
  }

  list(objectPath: string): Promise<ListResult> {
    return this.request('list', { path: objectPath });
  }

  async verify(params: VerifyParams, onLog?: (chunk: Buffer) => void): Promise<VerifyOutcome> {
    const log: Buffer[] = [];
    const result = await this.request<VerifyResult>('verify', params, (chunk) => {
      log.push(chunk);
      onLog?.(chunk);
    });
    return { ...result, log };
  }

  /** Verify every program of the object, one at a time; log chunks come tagged with their program. */
  async verifyAll(objectPath: string, logLevel: number, onLog?: (program: string, chunk: Buffer) => void): Promise<VerifyResult[]> {
    const { results } = await this.request<{ results: VerifyResult[] }>('verifyAll', { path: objectPath, logLevel },
      (chunk, program) => onLog?.(program ?? '', chunk));
    return results;
  }

  /**
   * Cancel the request in flight: a verifyAll stops between programs. One program's load cannot be interrupted
   * inside the kernel, so if the helper has not answered within `graceMs` it is killed (the kernel frees what it held)
   * and the request fails with 'cancelled'; the next request starts a new helper.
   */
  async cancel(graceMs = 1000): Promise<void> {
    const child = this.child;
    const id = this.inFlight;
    if (!child || id === undefined) return;
    if (await this.cancelThenEnd(child, id, graceMs)) return;
    this.failAll(new EbpfError('cancelled', 'Cancelled: the helper was stopped in the middle of a load.'), child);
  }

  /** Send `cancel` for `id`; true if the helper answered within `graceMs`, else its process is ended (false). */
  private async cancelThenEnd(child: ChildProcessWithoutNullStreams, id: number, graceMs: number): Promise<boolean> {
    if (child.exitCode === null && child.stdin.writable) {
      const cancelId = this.nextId++;
      this.trace('send', () => `#${cancelId} cancel {"id":${id}}`);
      child.stdin.write(JSON.stringify({ id: cancelId, method: 'cancel', params: { id } }) + '\n');
    }
    const settled = await new Promise<boolean>((r) => {
      const t = setInterval(() => { if (!this.pending.has(id)) { clearInterval(t); r(true); } }, 10);
      setTimeout(() => { clearInterval(t); r(!this.pending.has(id)); }, graceMs);
    });
    if (settled) return true;
    this.trace('process', () => `#${id} not answered within ${graceMs} ms of the cancel: ending the helper`);
    if (this.child === child) { // the next request starts a new helper
      this.child = undefined;
      this.starting = undefined;
    }
    this.endHelper(child);
    return false;
  }

  /**
   * End the helper's own process: behind sudo the child is sudo (root; a user's signal may not reach it, and sudo
   * would leave the helper running). The helper runs as the user, so the user may signal it; it also exits on
   * stdin EOF and when its parent dies.
   */
  private endHelper(child: ChildProcessWithoutNullStreams): void {
    this.ended.add(child);
    this.raw = undefined; // it may have been cut in the middle of a log or a line
    this.partial = [];
    const pid = this.helperPids.get(child);
    const signal = (sig: NodeJS.Signals) => {
      if (pid !== undefined && isHelperOf(pid, child.pid)) {
        try { process.kill(pid, sig); } catch { /* already gone */ }
      }
      child.kill(sig);
    };
    child.stdin.end();
    signal('SIGTERM');
    const t = setTimeout(() => signal('SIGKILL'), 1000);
    child.once('exit', () => clearTimeout(t));
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdin.end();
    const timer = setTimeout(() => this.endHelper(child), 2000);
    await exited;
    clearTimeout(timer);
  }
}
