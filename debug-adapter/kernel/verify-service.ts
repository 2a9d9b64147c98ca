/**
 * The helper's requests against libbpf: list, verify, verifyAll. Each request reads the object once
 * (core/loader/read-object.ts), checks those bytes (core/loader/object-check.ts) and hands the same bytes to libbpf
 * (bpf_object__open_mem). For a user who is not root the limits apply before the load and kernel addresses are
 * redacted from what is returned. It never attaches, clears map pin paths and closes every object it opens.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkObjectBytes, type CheckedObject } from '../../core/loader/object-check';
import { missingLibbpfFeatures } from '../../core/loader/libbpf-features';
import { mapCreateDiagnosis } from '../../core/loader/map-fit';
import { readBpfObject } from '../../core/source-map/bpf-object';
import { LimitExceeded, MAX_LOG_BUFFER, formatBytes, type HelperLimits } from '../../core/loader/limits';
import type { ListResult, VerifyAllParams, VerifyParams, VerifyResult } from '../../core/loader/protocol';
import { readObjectOnce } from '../../core/loader/read-object';
import { redactLog, redactText } from '../../core/loader/redact';
import { LoadDeadline } from './helper-limits';
import type { Libbpf, LibbpfProgram } from './libbpf';

export class HelperError extends Error {
  constructor(readonly code: string, message: string, readonly hint?: string) {
    super(message);
  }
}

export interface ServiceOptions {
  lib: () => Libbpf;
  libbpfErrors: () => typeof import('./libbpf');
  /** null: unlimited (root running the helper directly). */
  limits: HelperLimits | null;
  /** Redact kernel addresses (the requesting user is not root). */
  redact: boolean;
  /** Writes one reply line or raw log bytes to the client. */
  write: (chunk: string | Buffer) => void;
}

const CHUNK = 4 * 1024 * 1024;
const ENOSPC = 28;
const MIN_LOG_SIZE = 128; // kernels up to 6.3 refuse smaller buffers

function possibleCpus(): number {
  try {
    const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim(); // e.g. 0-7 or 0,2-3
    return text.split(',').reduce((n, r) => { const [a, b] = r.split('-').map(Number); return n + (b === undefined ? 1 : b - a + 1); }, 0) || 1;
  } catch {
    return 1;
  }
}

export class VerifyService {
  private logBuf: Buffer | undefined;
  private readonly cpus = possibleCpus();
  readonly cancelled = new Set<number>();

  constructor(private readonly o: ServiceOptions) {}

  /** One lazily allocated buffer reused across loads, as large as the limit allows; untouched pages cost nothing. */
  private logBuffer(): Buffer {
    const want = this.o.limits ? this.o.limits.logBuffer : MAX_LOG_BUFFER;
    if (!this.logBuf) {
      try {
        this.logBuf = Buffer.allocUnsafeSlow(want);
      } catch {
        this.logBuf = Buffer.allocUnsafeSlow(Math.min(want, 256 * 1024 * 1024));
      }
    }
    return this.logBuf;
  }

  /** The bytes libbpf was given, referenced until bpf_object__close (libbpf keeps their address). */
  private readonly held = new Set<Buffer>();

  private release(bytes: Buffer): void {
    this.held.delete(bytes);
  }

  /** Read once, check, and open those bytes with libbpf. */
  private open(file: unknown): { obj: unknown; bytes: Buffer; checked: CheckedObject; name: string } {
    const bytes = readObjectOnce(file);
    const name = file as string;
    const checked = checkObjectBytes(name, bytes, this.cpus);
    const { LibbpfCallError } = this.o.libbpfErrors();
    this.held.add(bytes);
    try {
      return { obj: this.o.lib().openMem(bytes, path.basename(name)), bytes, checked, name };
    } catch (e) {
      this.release(bytes);
      if (e instanceof LibbpfCallError) {
        const lacking = this.lacking(bytes);
        if (lacking.length > 0) throw new HelperError('libbpf-too-old', `libbpf ${this.o.lib().version} cannot open ${name}: ${this.text(e.message)} (errno ${e.errno}). ${lacking.join(' ')}`);
        throw new HelperError('not-an-object', `${name} is not a BPF object libbpf can open: ${this.text(e.message)} (errno ${e.errno}).`,
          'Build it with `clang -g -O2 -target bpf -c prog.bpf.c -o prog.bpf.o`.');
      }
      throw e;
    }
  }

  /** What the object needs that the loaded libbpf lacks (libbpf-features.ts); [] when it cannot tell. */
  private lacking(bytes: Buffer): string[] {
    try {
      return missingLibbpfFeatures(readBpfObject(bytes), this.o.lib().version);
    } catch {
      return [];
    }
  }

  private text(s: string): string {
    return this.o.redact ? redactText(s) : s;
  }

  list(params: { path?: unknown }): ListResult {
    const l = this.o.lib();
    return l.capturePrints(() => {}, () => {
      const { obj, bytes } = this.open(params.path);
      try {
        const programs = l.programs(obj).map(({ name, section, insnCount }) => ({ name, section, insnCount }));
        return { programs, maps: l.maps(obj).map((name) => ({ name })) };
      } finally {
        l.close(obj);
        this.release(bytes);
      }
    });
  }

  /** Send the log as raw bytes: a header `{"id","logBytes"}` and then exactly that many bytes, in chunks. */
  private streamLog(id: number, buf: Buffer, length: number, program?: string): void {
    for (let start = 0; start < length; start += CHUNK) {
      const end = Math.min(length, start + CHUNK);
      this.o.write(JSON.stringify({ id, logBytes: end - start, ...(program ? { program } : {}) }) + '\n');
      this.o.write(buf.subarray(start, end));
    }
  }

  /** Open, load only `program` at `level` with its log in `buf`, stream the log, close. */
  private loadOnce(id: number, file: unknown, program: string | undefined, level: number, buf: Buffer) {
    const l = this.o.lib();
    const { obj, bytes, checked, name } = this.open(file);
    try {
      const programs = l.programs(obj);
      const target = programs.find((p) => p.name === program);
      if (!target) {
        const names = programs.map((p) => p.name).join(', ') || '(none)';
        if (typeof program !== 'string') throw new HelperError('usage', 'verify needs params.program, the name of one program of the object.', `Its programs: ${names}. verifyAll verifies each.`);
        throw new HelperError('program-not-found', `${name} has no program named '${program}'.`, `Its programs: ${names}.`);
      }
      const limits = this.o.limits;
      if (limits && checked.mapBytes > limits.mapMemory) {
        const biggest = [...checked.maps].sort((a, b) => b.bytes - a.bytes)[0];
        throw new LimitExceeded('mapMemory', checked.mapBytes, limits.mapMemory, `The maps of ${name} need about ${formatBytes(checked.mapBytes)} of kernel memory (the largest, ${biggest.name}, ${formatBytes(biggest.bytes)})`);
      }
      l.maps(obj, true);
      const notes = l.fitMaps(obj, this.cpus); // as cilium/ebpf creates them: typed ring/perf buffers, user-sized maps
      const maps = l.mapAttributes(obj).map(({ ptr: _ptr, ...m }) => m);
      const t0 = process.hrtime.bigint();
      const run = () => l.loadOne(obj, target, programs, level, buf);
      const { value: errno, expired } = limits ? new LoadDeadline(limits.verifySeconds).run(run) : { value: run(), expired: false };
      const loadUs = Number((process.hrtime.bigint() - t0) / 1000n);
      if (expired && limits && errno !== 0) { // stopped by the deadline (EAGAIN) or failing after it
        throw new LimitExceeded('verifySeconds', limits.verifySeconds, limits.verifySeconds, `Verifying ${target.name} was stopped after ${(loadUs / 1e6).toFixed(1)} s`, true);
      }
      let length = buf.indexOf(0);
      if (length < 0) length = buf.length;
      if (this.o.redact) length = redactLog(buf, length);
      this.streamLog(id, buf, length, program);
      return { target, errno, loadUs, length, notes, maps };
    } finally {
      l.close(obj);
      this.release(bytes);
    }
  }

  verify(id: number, params: Partial<VerifyParams>): VerifyResult {
    const level = params.logLevel ?? 5;
    if (!Number.isInteger(level) || level < 1 || level > 7) throw new HelperError('usage', `Log level ${String(level)} is not one of 1..7.`);
    if (params.program !== undefined && typeof params.program !== 'string') throw new HelperError('usage', 'The program name is not a string.');
    const limits = this.o.limits;
    const max = limits ? limits.logBuffer : MAX_LOG_BUFFER;
    const size = params.logSize ?? max;
    if (!Number.isInteger(size) || size < MIN_LOG_SIZE || size > MAX_LOG_BUFFER) {
      throw new HelperError('usage', `Log size ${String(size)} is not between ${MIN_LOG_SIZE} and ${MAX_LOG_BUFFER} bytes.`);
    }
    if (limits && size > limits.logBuffer) throw new LimitExceeded('logBuffer', size, limits.logBuffer, `A verifier log buffer of ${formatBytes(size)} was asked`);
    const l = this.o.lib();
    const messages: string[] = [];
    const buf = this.logBuffer().subarray(0, Math.min(size, this.logBuffer().length));
    return l.capturePrints((lvl, m) => { if (lvl <= 1 && messages.length < 500) messages.push(this.text(m.trimEnd())); }, () => {
      const first = this.loadOnce(id, params.path, params.program, level, buf);
      let { errno } = first;
      let logBytes = first.length;
      let logTruncated = false;
      if (errno === ENOSPC && (level & 3) !== 0) {
        // ENOSPC hides the verdict (the kernel reports it even for a valid program): level 4 alone prints only the
        // error and the stats, which always fit, so this load's errno is the real one
        if (first.length > 0 && buf[first.length - 1] !== 10) this.streamLog(id, Buffer.from('\n'), 1, params.program); // a head-kept log ends mid-line
        const retry = this.loadOnce(id, params.path, params.program, 4, Buffer.allocUnsafe(64 * 1024));
        errno = retry.errno;
        logBytes += retry.length;
        logTruncated = true;
        if (limits && params.logSize === undefined && buf.length >= limits.logBuffer) {
          messages.push(`helper: the log was cut at the ${formatBytes(limits.logBuffer)} log-buffer limit for verifying without root; `
            + `root raises it with \`sudo ebpf-debugger setup-privileges --install --user $USER --max-log-buffer ${Math.ceil((limits.logBuffer * 4) / (1024 * 1024))}MiB\`.`);
        }
      }
      const failedMap = errno !== 0 ? messages.find((m) => /map '[^']*': failed to create/.test(m)) : undefined;
      const mapProblem = failedMap ? mapCreateDiagnosis(first.maps, failedMap) : null;
      return {
        program: first.target.name, section: first.target.section, errno, logBytes, libbpf: messages, loadUs: first.loadUs,
        ...(logTruncated ? { logTruncated } : {}), ...(first.notes.length > 0 ? { notes: first.notes } : {}), ...(mapProblem ? { mapProblem } : {}),
      };
    });
  }

  /** Every program of the object, one at a time, yielding between them so a `cancel` can arrive. */
  async verifyAll(id: number, params: Partial<VerifyAllParams>): Promise<{ results: VerifyResult[] }> {
    const { programs } = this.list({ path: params.path });
    const results: VerifyResult[] = [];
    for (const p of programs) {
      await new Promise((r) => setImmediate(r));
      if (this.cancelled.has(id)) throw new HelperError('cancelled', `Cancelled after ${results.length} of ${programs.length} programs.`);
      results.push(this.verify(id, { path: params.path, program: p.name, logLevel: params.logLevel, logSize: params.logSize }));
    }
    return { results };
  }
}

export type { LibbpfProgram };
