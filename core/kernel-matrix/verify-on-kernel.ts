/**
 * Verify objects on one kernel: `host` through the usual loader, a Debian kernel in a VM. Either way the answer is
 * the `verify --json` ObjectReport, its `kernel` naming the release that answered (and `loader.via` the VM and its
 * accelerator, `vm:6.1.0-57-cloud-amd64:tcg`), plus how long it took.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EbpfError } from '../errors';
import type { Loader } from '../loader/loader';
import { loadObjectSourceMap } from '../source-map/object-source-map';
import type { ObjectReport } from '../verify/report';
import { buildOptionsOf, DEFAULT_LOG_LEVEL, prepareObject, verifyObject, type VerifiedProgram, type VerifyOptions } from '../verify/verify-object';
import { specLabel, type KernelSpec } from './catalogue';
import { parseGuestResult, programsFromGuest } from './guest-result';
import { ensureBaseInitramfs, objectName, runInitrd } from './initramfs';
import { vmAccelRequest, type VmAccel, type VmAccelRequest } from './accel';
import { bootWithAccel, type AccelBootOptions } from './accel-boot';
import { ensureKernel, kernelCacheRoot } from './kernel-store';

export interface KernelRun {
  /** What was asked for: `host`, `6.1`... */
  requested: string;
  reports: ObjectReport[];
  /**
   * Per input, parallel to `reports`: each program's whole verification (report, summary, log index, log), for a
   * debug session to walk; `verified[i][j].report === reports[i].programs[j]`.
   */
  verified: VerifiedProgram[][];
  timing: { totalMs: number; downloadMs: number; bootMs: number; downloadedBytes: number };
  /** The accelerator the VM ran under (null: `host`, no VM). */
  accel: VmAccel | null;
}

export interface KernelRunOptions extends VerifyOptions {
  env?: NodeJS.ProcessEnv;
  /** Told what is downloaded and how big, before it is. */
  progress?: (message: string) => void;
  vmTimeoutMs?: number;
  /** `--vm-accel` / `vmAccel`; unset: EBPF_DEBUGGER_VM_ACCEL of `env`, else auto (KVM where it runs stock kernels, else TCG). */
  vmAccel?: VmAccelRequest;
  /** For tests: what the machine is said to be about KVM (accel-boot.ts). */
  kvmProbe?: AccelBootOptions['probe'];
  /** The host loader, for `host`. */
  loader?: Loader;
}

/** The guest's log buffer: a level-2 log of a big program can outgrow a 256 MB guest, so less than the host's. */
const VM_LOG_BYTES = 16 * 1024 * 1024;

export async function verifyOnKernel(inputs: string[], spec: KernelSpec, opts: KernelRunOptions = {}): Promise<KernelRun> {
  const started = Date.now();
  if (spec.kind === 'host') {
    if (!opts.loader) throw new EbpfError('usage', 'Verifying on the host needs the loader helper.');
    const reports: ObjectReport[] = [];
    const verified: VerifiedProgram[][] = [];
    for (const input of inputs) {
      const run = await verifyObject(opts.loader, input, opts);
      reports.push(run.report);
      verified.push(run.programs);
    }
    return { requested: 'host', reports, verified, timing: { totalMs: Date.now() - started, downloadMs: 0, bootMs: 0, downloadedBytes: 0 }, accel: null };
  }
  const prepared = [];
  // aborting kills the build and then the guest, as verifyObject does on the host
  for (const input of inputs) prepared.push(await prepareObject(input, buildOptionsOf(opts)));
  const t0 = Date.now();
  const kernel = await ensureKernel(spec, { env: opts.env, progress: opts.progress });
  const downloadMs = Date.now() - t0;
  const base = await ensureBaseInitramfs(kernelCacheRoot(opts.env));
  const objs = prepared.map((p) => {
    const { obj, problem } = loadObjectSourceMap(p.object);
    if (!obj) throw new EbpfError('not-an-object', `${p.object}: ${problem}`);
    if (obj.programs.length === 0) throw new EbpfError('no-programs', `${p.object} holds no BPF program.`);
    if (opts.programName && !obj.programs.some((f) => f.name === opts.programName)) {
      throw new EbpfError('program-not-found', `${p.object} has no program named '${opts.programName}'.`, `Its programs: ${obj.programs.map((f) => f.name).join(', ')}.`);
    }
    return obj;
  });
  const logLevel = opts.logLevel ?? DEFAULT_LOG_LEVEL;
  const boot = await bootWithAccel({
    vmlinux: kernel.vmlinux, initrd: runInitrd(base, prepared.map((p) => readFileSync(p.object))), timeoutMs: opts.vmTimeoutMs,
    append: [`bpflog=${logLevel}`, `bpflogsize=${VM_LOG_BYTES}`], signal: opts.signal,
  }, { request: opts.vmAccel ?? vmAccelRequest(undefined, opts.env ?? process.env), progress: opts.progress, probe: opts.kvmProbe });
  const guest = parseGuestResult(boot.result);
  const release = guest.release ?? kernel.release;
  const verified = prepared.map((p, i) => {
    const roots = [...(p.source ? [path.dirname(p.source)] : []), path.dirname(p.object), ...(opts.sourceRoots ?? [])];
    const programs = programsFromGuest(guest.objects.get(objectName(i)), objs[i], roots, release);
    return opts.programName ? programs.filter((v) => v.report.name === opts.programName) : programs;
  });
  const reports = prepared.map((p, i): ObjectReport => {
    const programs = verified[i].map((v) => v.report);
    return {
      object: p.object, source: p.source, kernel: release, libbpf: guest.libbpf ?? 'unknown',
      libbpfPath: null, // the guest's copy of the host's libbpf: no path of the host's answered
      logLevel,
      // root in the guest, with every capability; `via` says which VM answered, and under which accelerator
      loader: { uid: 0, capEff: 'all', via: `vm:${kernel.release}:${boot.accel}` },
      programs,
    };
  });
  return { requested: specLabel(spec), reports, verified, timing: { totalMs: Date.now() - started, downloadMs, bootMs: boot.wallMs, downloadedBytes: kernel.downloadedBytes }, accel: boot.accel };
}
