/**
 * The loader helper: a small process that verifies BPF objects through libbpf and nothing else, serving one
 * request at a time over newline-delimited JSON (core/loader/protocol.ts).
 *
 * Order matters. Started as root by sudo or pkexec for a user, the first thing it does is take that user's
 * helper lock (a root-owned file) and become the user with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN only; only then
 * does it look at its arguments (an unknown one exits non-zero) or read stdin. It ends with its parent
 * (PR_SET_PDEATHSIG), on stdin EOF, and on SIGTERM/SIGINT/SIGHUP, which the user may send it.
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { CAPABILITY_SETS, LOADER_CAPABILITIES, isCapabilitySet, type CapabilitySet } from '../../core/loader/capabilities';
import { LimitExceeded, type HelperLimits } from '../../core/loader/limits';
import type { CancelParams, HelloResult, HelperErrorBody, HelperRequest, VerifyAllParams, VerifyParams } from '../../core/loader/protocol';
import { LineSplitter, oversizeError, parseRequestLine } from '../../core/loader/request-reader';
import { ObjectFileError } from '../../core/loader/read-object';
import { ObjectRefusal } from '../../core/loader/object-check';
import { dropCapabilities, dropToUser, exitWithParent, invokingUser } from './capabilities';
import { installedLimits, openUserLock, takeHelperSlot } from './helper-limits';
import type { Libbpf as LibbpfType } from './libbpf';
import { chooseLibbpf, libbpfCandidates, type LibbpfCandidate } from './libbpf-choice';
import { HelperError, VerifyService } from './verify-service';

/** Exit codes before the first request: the client turns them into typed errors. */
const EXIT_USAGE = 2;
const EXIT_PRIVILEGES = 3;
const EXIT_LIMIT = 4;

function die(code: number, message: string): never {
  process.stderr.write(`ebpf-verify-helper: ${message}\n`);
  process.exit(code);
}

// 1. Privileges first: nothing below this block runs as root on a user's behalf.
const parentAtStart = process.ppid;
let user: { uid: number; gid: number } | null = null;
let lockFd = -1;
try {
  user = invokingUser();
  if (user) {
    lockFd = openUserLock(user.uid);
    dropToUser(user.uid, user.gid, LOADER_CAPABILITIES);
    exitWithParent();
    if (process.ppid !== parentAtStart) die(EXIT_PRIVILEGES, 'the client went away during start-up.');
  }
} catch (e) {
  die(EXIT_PRIVILEGES, `could not drop to the requesting user: ${(e as Error).message}`);
}

// 2. Arguments, now as the user.
let capabilitySet: CapabilitySet | undefined;
for (const arg of process.argv.slice(2)) {
  const m = /^--capabilities=(.*)$/.exec(arg);
  if (!m) die(EXIT_USAGE, `unknown argument '${arg.slice(0, 100)}'. The only argument is --capabilities=full|bpf|bpf+perfmon|bpf+perfmon+net_admin.`);
  if (!isCapabilitySet(m[1])) die(EXIT_USAGE, `Unknown capability set '${m[1].slice(0, 100)}'. Use full, bpf, bpf+perfmon or bpf+perfmon+net_admin.`);
  capabilitySet = m[1];
}
try {
  // already the user when started for one: lowering the permitted and effective sets needs no privilege, while a
  // second setgroups/setresuid would (it failed with EPERM, so every subset failed under sudo)
  if (capabilitySet && CAPABILITY_SETS[capabilitySet] !== null) dropCapabilities(capabilitySet);
} catch (e) {
  die(EXIT_PRIVILEGES, `could not keep only the capabilities ${capabilitySet}: ${(e as Error).message}`);
}
if (!user) {
  try {
    exitWithParent(); // started directly: end with the client too
    if (process.ppid !== parentAtStart) process.exit(0); // it went before the signal was set
  } catch {
    // koffi is missing: every request says so (libbpf-missing); the helper still ends on stdin EOF
  }
}

// 3. Limits: whenever the requesting user is not root.
const uid = process.getuid?.() ?? -1;
let limits: HelperLimits | null = null;
let limitsSource = 'none (root)';
if (uid !== 0) {
  try {
    ({ limits, source: limitsSource } = installedLimits(__dirname));
  } catch (e) {
    die(EXIT_LIMIT, `the limits root set cannot be read: ${(e as Error).message}. Root rewrites them with \`sudo ebpf-debugger setup-privileges --install --user $USER\`.`);
  }
  if (lockFd >= 0) {
    try {
      takeHelperSlot(lockFd, limits.helpersPerUser, uid);
    } catch (e) {
      die(EXIT_LIMIT, e instanceof LimitExceeded ? `${e.message}\n${e.hint}` : `the helper lock failed: ${(e as Error).message}`);
    }
  }
}

// libbpf.ts loads koffi's native module at import time; load it lazily so a broken install is a clear error
type LibbpfModule = typeof import('./libbpf');
let libbpfModule: LibbpfModule | undefined;
let libbpf: LibbpfType | undefined;

function native(): LibbpfModule {
  if (libbpfModule) return libbpfModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    libbpfModule = require('./libbpf') as LibbpfModule;
  } catch (e) {
    throw new HelperError('libbpf-missing', `Cannot load koffi, the native FFI module the helper needs: ${(e as Error).message.split('\n')[0]}`,
      'Reinstall the extension (its VSIX carries node_modules/koffi and @koromix/koffi-<os>-<arch>), or run `npm ci` in a source checkout.');
  }
  return libbpfModule;
}

let libbpfChoice: LibbpfCandidate | undefined;

/** The built current libbpf in preference, the system's as the fallback (libbpf-choice.ts). */
function lib(): LibbpfType {
  if (libbpf) return libbpf;
  const { Libbpf } = native();
  try {
    const { lib: chosen, chosen: which } = chooseLibbpf(libbpfCandidates(), (file) => new Libbpf(file));
    libbpf = chosen;
    libbpfChoice = which;
  } catch (e) {
    throw new HelperError('libbpf-missing', `No libbpf could be loaded:\n${(e as Error).message}`,
      'Install libbpf 1.x (Debian/Ubuntu: `sudo apt-get install libbpf1`), build a current one with `bash scripts/build-libbpf.sh`, or point EBPF_DEBUGGER_LIBBPF at a libbpf.so.1.');
  }
  return libbpf;
}

function write(chunk: string | Buffer): void {
  process.stdout.write(chunk);
}

function send(msg: object): void {
  write(JSON.stringify(msg) + '\n');
}

const service = new VerifyService({ lib, libbpfErrors: native, limits, redact: uid !== 0, write });

function capEff(): string {
  try {
    return /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

function hello(): HelloResult {
  return { kernel: os.release(), libbpf: lib().version, libbpfPath: libbpfChoice?.path, libbpfSource: libbpfChoice?.source, uid, capEff: capEff(), pid: process.pid, limits, limitsSource, redacted: uid !== 0 };
}

function errorBody(e: unknown): HelperErrorBody {
  if (e instanceof HelperError || e instanceof ObjectFileError || e instanceof ObjectRefusal) return { code: e.code, message: e.message, hint: e.hint };
  if (e instanceof LimitExceeded) return { code: e.code, message: e.message, hint: e.hint };
  return { code: 'helper-failed', message: `Internal error in the loader helper: ${(e as Error)?.stack ?? String(e)}` };
}

/** The ids of the requests queued or running (dispatch() below). */
const open = new Set<number>();

async function handle(req: HelperRequest): Promise<void> {
  try {
    const params = (req.params ?? {}) as Record<string, unknown>;
    let result: unknown;
    switch (req.method) {
      case 'hello': result = hello(); break;
      case 'list': result = service.list(params); break;
      case 'verify': result = service.verify(req.id, params as Partial<VerifyParams>); break;
      case 'verifyAll': result = await service.verifyAll(req.id, params as Partial<VerifyAllParams>); break;
      default: throw new HelperError('usage', `Unknown method '${String(req.method)}'.`);
    }
    send({ id: req.id, result });
  } catch (e) {
    send({ id: req.id, error: errorBody(e) });
  } finally {
    service.cancelled.delete(req.id);
    open.delete(req.id);
  }
}

/**
 * Requests run one at a time, in order; `cancel` is acted on at once. It counts only for a request queued or
 * running: a cancel of any other id would stay in the set for good (one entry per line the client sends) and
 * cancel a later request that reuses the id.
 */
let queue: Promise<void> = Promise.resolve();
/**
 * Requests waiting or running at once: a client sends one or two; each queued one holds its parsed line (up to the
 * line limit), so a client writing requests faster than the kernel verifies them could otherwise grow us unbounded.
 */
const MAX_OPEN_REQUESTS = 64;
function dispatch(req: HelperRequest): void {
  if (req.method === 'cancel') {
    const target = Number((req.params as Partial<CancelParams> | undefined)?.id);
    if (open.has(target)) service.cancelled.add(target);
    send({ id: req.id, result: { cancelled: target } });
    return;
  }
  if (open.size >= MAX_OPEN_REQUESTS) {
    send({ id: req.id, error: { code: 'busy', message: `${MAX_OPEN_REQUESTS} requests are already queued or running; this one was refused.`, hint: 'Wait for replies before sending more requests.' } });
    return;
  }
  open.add(req.id);
  queue = queue.then(() => handle(req));
}

// 4. Serve. Nothing on stdin can throw out of here; a broken stdout means the client is gone.
const lines = new LineSplitter((line) => {
  const parsed = parseRequestLine(line);
  if (!parsed) return;
  if ('request' in parsed) dispatch(parsed.request);
  else send({ id: parsed.id, error: parsed.error });
}, (bytes) => send({ id: null, error: oversizeError(bytes) }));
process.stdin.on('data', (chunk: Buffer) => {
  try {
    lines.push(chunk);
  } catch (e) {
    send({ id: null, error: errorBody(e) });
  }
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdout.on('error', () => process.exit(0));
// SIGTERM, SIGINT and SIGHUP keep their default action: they end the helper even in the middle of a load
