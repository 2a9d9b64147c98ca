/**
 * The loader helper: a small process that verifies BPF objects through libbpf and nothing else.
 * It never attaches, clears map pin paths, closes every object it opens, and serves one request at a time
 * over newline-delimited JSON (core/loader/protocol.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';
import type { CancelParams, HelloResult, HelperErrorBody, HelperRequest, ListResult, VerifyAllParams, VerifyParams, VerifyResult } from '../../core/loader/protocol';
import { Btf } from '../../core/btf/btf-reader';
import { EM_BPF, ElfFile } from '../../core/elf/elf-reader';
import { CAPABILITY_SETS, LOADER_CAPABILITIES, isCapabilitySet } from '../../core/loader/capabilities';
import { dropCapabilities, dropToUser } from './capabilities';
import type { Libbpf as LibbpfType } from './libbpf';

// libbpf.ts loads koffi's native module at import time; load it lazily so a broken install is a clear error
type LibbpfModule = typeof import('./libbpf');
let libbpfModule: LibbpfModule | undefined;

const LOG_BUF_SIZE = 1024 * 1024 * 1024 - 1; // the kernel refuses log_size > UINT_MAX >> 2
const CHUNK = 4 * 1024 * 1024;

class HelperError extends Error {
  constructor(readonly code: string, message: string, readonly hint?: string) {
    super(message);
  }
}

let libbpf: LibbpfType | undefined;
let logBuf: Buffer | undefined;

function send(msg: object): void {
  process.stdout.write(JSON.stringify(msg) + '\n');
}

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

function lib(): LibbpfType {
  if (libbpf) return libbpf;
  const { Libbpf, LibbpfLoadError } = native();
  try {
    libbpf = new Libbpf(process.env.EBPF_DEBUGGER_LIBBPF || 'libbpf.so.1');
  } catch (e) {
    const msg = e instanceof LibbpfLoadError ? e.message : String(e);
    throw new HelperError('libbpf-missing', msg, 'Install libbpf 1.x (Debian/Ubuntu: `sudo apt-get install libbpf1`), or point EBPF_DEBUGGER_LIBBPF at a libbpf.so.1.');
  }
  return libbpf;
}

/** One lazily allocated buffer reused across loads; untouched pages of it cost no memory. */
function logBuffer(): Buffer {
  if (!logBuf) {
    try {
      logBuf = Buffer.allocUnsafeSlow(LOG_BUF_SIZE);
    } catch {
      logBuf = Buffer.allocUnsafeSlow(256 * 1024 * 1024);
    }
  }
  return logBuf;
}

function capEff(): string {
  try {
    return /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

const ELF_MACHINES: Record<number, string> = { 3: 'x86 (32-bit)', 62: 'x86-64', 183: 'arm64', 243: 'RISC-V', 40: 'ARM' };

/** Check the file before libbpf sees it, so each kind of bad input gets its own message. */
function checkObjectPath(path: unknown): string {
  if (typeof path !== 'string' || path === '') throw new HelperError('usage', 'The request names no object path.');
  if (!existsSync(path)) throw new HelperError('file-not-found', `${path}: no such file.`);
  if (!statSync(path).isFile()) throw new HelperError('not-an-object', `${path} is a directory, not a BPF object file.`);
  const build = 'Build it with `clang -g -O2 -target bpf -c prog.bpf.c -o prog.bpf.o`.';
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new HelperError('no-privileges', `${path}: permission denied. The helper opens files with your own rights (uid ${process.getuid?.()}).`,
        'Make the object readable by you (chmod a+r, or build it yourself).');
    }
    throw new HelperError('file-not-found', `${path}: ${(e as Error).message}`);
  }
  let elf: ElfFile;
  try {
    elf = new ElfFile(bytes);
  } catch (e) {
    throw new HelperError('not-an-object', `${path} is not a BPF object: ${(e as Error).message}.`, build);
  }
  if (elf.machine !== EM_BPF) {
    throw new HelperError('not-an-object', `${path} is an ${ELF_MACHINES[elf.machine] ?? `ELF machine ${elf.machine}`} object, not a BPF one.`, build);
  }
  const btf = elf.section('.BTF');
  if (btf) {
    try {
      new Btf(elf.data(btf));
    } catch (e) {
      throw new HelperError('not-an-object', `${path} has a corrupt .BTF section (${(e as Error).message}); libbpf cannot open it.`, `Rebuild the object. ${build}`);
    }
  }
  return path;
}

function openObject(path: string): unknown {
  try {
    return lib().open(path);
  } catch (e) {
    if (e instanceof native().LibbpfCallError) {
      if (e.errno === 2) throw new HelperError('file-not-found', `${path}: no such file.`);
      if (e.errno === 1 || e.errno === 13) throw new HelperError('no-privileges', `${path}: permission denied (${e.message}).`);
      throw new HelperError('not-an-object', `${path} is not a BPF object libbpf can open: ${e.message} (errno ${e.errno}).`,
        'Build it with `clang -g -O2 -target bpf -c prog.bpf.c -o prog.bpf.o`.');
    }
    throw e;
  }
}

function hello(): HelloResult {
  return { kernel: os.release(), libbpf: lib().version, uid: process.getuid?.() ?? -1, capEff: capEff(), pid: process.pid };
}

function list(params: { path?: unknown }): ListResult {
  const path = checkObjectPath(params.path);
  const l = lib();
  const messages: string[] = [];
  return l.capturePrints((level, m) => { if (level === 0) messages.push(m.trimEnd()); }, () => {
    const obj = openObject(path);
    try {
      const programs = l.programs(obj).map(({ name, section, insnCount }) => ({ name, section, insnCount }));
      return { programs, maps: l.maps(obj).map((name) => ({ name })) };
    } finally {
      l.close(obj);
    }
  });
}

/**
 * Send the log as raw bytes: a JSON header `{"id","logBytes"}` and then exactly that many bytes, in chunks. No JS string
 * is made of the log (logs can outgrow V8's string limit). Writes to a pipe are synchronous on Linux, so the reused
 * buffer is not touched again before the bytes are out.
 */
function streamLog(id: number, buf: Buffer, length: number, program?: string): void {
  for (let start = 0; start < length; start += CHUNK) {
    const end = Math.min(length, start + CHUNK);
    process.stdout.write(JSON.stringify({ id, logBytes: end - start, ...(program ? { program } : {}) }) + '\n');
    process.stdout.write(buf.subarray(start, end));
  }
}

const ENOSPC = 28;
const MIN_LOG_SIZE = 128; // kernels up to 6.3 refuse smaller buffers

/** Open, load only `program` at `level` with its log in `buf`, stream the log, close. */
function loadOnce(id: number, path: string, program: string | undefined, level: number, buf: Buffer, stream: boolean) {
  const l = lib();
  const obj = openObject(path);
  try {
    const programs = l.programs(obj);
    const target = programs.find((p) => p.name === program);
    if (!target) {
      throw new HelperError('program-not-found', `${path} has no program named '${program}'.`,
        `Its programs: ${programs.map((p) => p.name).join(', ') || '(none)'}.`);
    }
    l.maps(obj, true);
    const t0 = process.hrtime.bigint();
    const errno = l.loadOne(obj, target, programs, level, buf);
    const loadUs = Number((process.hrtime.bigint() - t0) / 1000n);
    let length = buf.indexOf(0);
    if (length < 0) length = buf.length;
    if (stream) streamLog(id, buf, length, program);
    return { target, errno, loadUs, length };
  } finally {
    l.close(obj);
  }
}

function verify(id: number, params: Partial<VerifyParams>): VerifyResult {
  const path = checkObjectPath(params.path);
  const level = params.logLevel ?? 5;
  if (!Number.isInteger(level) || level < 1 || level > 7) throw new HelperError('usage', `Log level ${level} is not one of 1..7.`);
  const size = params.logSize ?? LOG_BUF_SIZE;
  if (!Number.isInteger(size) || size < MIN_LOG_SIZE || size > LOG_BUF_SIZE) {
    throw new HelperError('usage', `Log size ${size} is not between ${MIN_LOG_SIZE} and ${LOG_BUF_SIZE} bytes.`);
  }
  const l = lib();
  const messages: string[] = [];
  const buf = logBuffer().subarray(0, size);
  return l.capturePrints((lvl, m) => { if (lvl <= 1 && messages.length < 500) messages.push(m.trimEnd()); }, () => {
    const first = loadOnce(id, path, params.program, level, buf, true);
    let { errno } = first;
    let logBytes = first.length;
    let logTruncated = false;
    if (errno === ENOSPC && (level & 3) !== 0) {
      // ENOSPC hides the verdict (the kernel reports it even for a valid program): level 4 alone prints only the
      // error and the stats, which always fit, so this load's errno is the real one
      if (first.length > 0 && buf[first.length - 1] !== 10) streamLog(id, Buffer.from('\n'), 1, params.program); // a head-kept log ends mid-line
      const retry = loadOnce(id, path, params.program, 4, Buffer.allocUnsafe(64 * 1024), true);
      errno = retry.errno;
      logBytes += retry.length;
      logTruncated = true;
    }
    return { program: first.target.name, section: first.target.section, errno, logBytes, libbpf: messages, loadUs: first.loadUs, ...(logTruncated ? { logTruncated } : {}) };
  });
}

const cancelled = new Set<number>();

/** Every program of the object, one at a time, yielding between them so a `cancel` can arrive. */
async function verifyAll(id: number, params: Partial<VerifyAllParams>): Promise<{ results: VerifyResult[] }> {
  const { programs } = list({ path: params.path });
  const results: VerifyResult[] = [];
  for (const p of programs) {
    await new Promise((r) => setImmediate(r));
    if (cancelled.has(id)) throw new HelperError('cancelled', `Cancelled after ${results.length} of ${programs.length} programs.`);
    results.push(verify(id, { path: params.path, program: p.name, logLevel: params.logLevel, logSize: params.logSize }));
  }
  return { results };
}

async function handle(req: HelperRequest): Promise<void> {
  try {
    if (capabilityProblem) throw capabilityProblem;
    let result: unknown;
    switch (req.method) {
      case 'hello': result = hello(); break;
      case 'list': result = list((req.params ?? {}) as { path?: unknown }); break;
      case 'verify': result = verify(req.id, (req.params ?? {}) as Partial<VerifyParams>); break;
      case 'verifyAll': result = await verifyAll(req.id, (req.params ?? {}) as Partial<VerifyAllParams>); break;
      default: throw new HelperError('usage', `Unknown method '${String(req.method)}'.`);
    }
    send({ id: req.id, result });
  } catch (e) {
    const error: HelperErrorBody = e instanceof HelperError
      ? { code: e.code, message: e.message, hint: e.hint }
      : { code: 'helper-failed', message: `Internal error in the loader helper: ${(e as Error).stack ?? String(e)}` };
    send({ id: req.id, error });
  } finally {
    cancelled.delete(req.id);
  }
}

/** Requests run one at a time, in order; `cancel` is acted on at once. */
let queue: Promise<void> = Promise.resolve();
function dispatch(req: HelperRequest): void {
  if (req.method === 'cancel') {
    const target = Number((req.params as Partial<CancelParams> | undefined)?.id);
    cancelled.add(target);
    send({ id: req.id, result: { cancelled: target } });
    return;
  }
  queue = queue.then(() => handle(req));
}

/** The user sudo or pkexec started us for, if we run as root on someone's behalf. */
function invokingUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(process.env.SUDO_UID ?? process.env.PKEXEC_UID ?? NaN);
  if (!Number.isInteger(uid) || uid === 0) return null;
  let gid = Number(process.env.SUDO_GID ?? NaN);
  if (!Number.isInteger(gid)) {
    const entry = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((f) => Number(f[2]) === uid);
    gid = entry ? Number(entry[3]) : uid;
  }
  return { uid, gid };
}

/**
 * Before anything touches libbpf: as root for a user, become that user with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN
 * only; and with `--capabilities=<set>`, keep just that set. A failure is reported on every request.
 */
let capabilityProblem: HelperError | undefined;
const capArg = process.argv.find((a) => a.startsWith('--capabilities='))?.slice('--capabilities='.length);
try {
  if (capArg !== undefined && !isCapabilitySet(capArg)) {
    capabilityProblem = new HelperError('usage', `Unknown capability set '${capArg}'.`, 'Use full, bpf, bpf+perfmon or bpf+perfmon+net_admin.');
  } else {
    const user = invokingUser();
    const requested = capArg !== undefined && isCapabilitySet(capArg) ? CAPABILITY_SETS[capArg] : null;
    if (user) dropToUser(user.uid, user.gid, requested ?? LOADER_CAPABILITIES);
    else if (capArg !== undefined && isCapabilitySet(capArg)) dropCapabilities(capArg);
  }
} catch (e) {
  capabilityProblem = new HelperError('no-privileges', `The helper could not drop its privileges: ${(e as Error).message}`);
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (!line.trim()) return;
  let req: HelperRequest;
  try {
    req = JSON.parse(line);
  } catch {
    send({ id: -1, error: { code: 'usage', message: 'Request is not JSON.' } });
    return;
  }
  dispatch(req);
});
rl.on('close', () => process.exit(0));
