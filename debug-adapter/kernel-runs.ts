/**
 * A session's verification on each kernel its launch configuration names: `host` through the session's loader (the
 * helper, or the replay loader), Debian kernels in a VM through core/kernel-matrix. Each gives the object's report
 * and its programs' logs, which the session turns into one thread per (program, kernel).
 */
import path from 'node:path';
import { HOST_KERNEL } from '../core/editor-events';
import { EbpfError } from '../core/errors';
import { parseKernelList, specLabel, type KernelSpec } from '../core/kernel-matrix/catalogue';
import { verifyOnKernel } from '../core/kernel-matrix/verify-on-kernel';
import type { Loader } from '../core/loader/loader';
import type { EbpfLaunchArguments } from '../core/launch-attributes';
import type { ObjectReport } from '../core/verify/report';
import { verifyObject, type VerifiedProgram, type VerifyOptions } from '../core/verify/verify-object';
import { progressMessage } from '../core/verify/progress-text';
import type { Progress } from './progress';

export interface KernelVerification {
  /** As the configuration names it: `host`, `6.1`. */
  kernel: string;
  report: ObjectReport;
  programs: VerifiedProgram[];
}

export interface KernelRunHooks {
  /** One line for the Debug Console (what is downloaded and how big, the VM boot); `problem` lines go to stderr. */
  say: (text: string, problem?: boolean) => void;
  /** A kernel's verification: begun (title), a step of it (the build, a program, what a VM fetches), and over. */
  progress: Progress;
  /** Called after each kernel's verification, before the next one starts. */
  verified: (run: KernelVerification) => void;
  /** The session's Stop: kills a build, a load between programs or a VM, and no further kernel starts. */
  signal?: AbortSignal;
}

export function verifyOptions(args: EbpfLaunchArguments): VerifyOptions {
  return {
    programName: args.programName,
    logLevel: args.logLevel,
    sourceRoots: args.sourceRoots,
    // the client puts the settings' -I/-D/cflags before the configuration's own build arguments, and their clang and bpftool
    build: Array.isArray(args.build) || args.clangPath || args.bpftoolPath
      ? { extraArgs: Array.isArray(args.build) ? args.build : [], clang: args.clangPath, bpftool: args.bpftoolPath } : undefined,
  };
}

/**
 * Verify `program` on each kernel, one after the other (two TCG guests on a small machine gain little). A VM kernel
 * that cannot be had (no qemu, no network for its first download) is said in the console and the session goes on
 * with the others; only when no kernel answers does the launch fail.
 */
export async function verifyOnKernels(loader: Loader, program: string, args: EbpfLaunchArguments, hooks: KernelRunHooks): Promise<KernelVerification[]> {
  let specs;
  try {
    specs = parseKernelList(args.kernels ?? [HOST_KERNEL]);
  } catch (e) {
    if (e instanceof EbpfError) throw new EbpfError('usage', `"kernels": ${e.message.replace(/^--kernel /, '')}`);
    throw e;
  }
  if (args.replayLog && specs.some((s) => s.kind !== 'host')) {
    throw new EbpfError('usage', 'A replayed log answers for one kernel only.', 'Drop "kernels" from a "Debug This Log" session.');
  }
  const out: KernelVerification[] = [];
  const failures: EbpfError[] = [];
  for (const spec of specs) {
    const kernel = specLabel(spec);
    let run: KernelVerification;
    if (spec.kind === 'host') {
      // the same phases as the Verify command's notification: a build and a program can each take seconds
      hooks.progress.start(`eBPF: verifying ${path.basename(program)}`);
      const r = await verifyObject(loader, program, { ...verifyOptions(args), signal: hooks.signal, onProgress: (step) => hooks.progress.update(progressMessage(step)) })
        .finally(() => hooks.progress.end());
      run = { kernel, report: r.report, programs: r.programs };
    } else {
      const vm = await verifyInVm(program, spec, kernel, args, hooks).catch((e: unknown) => {
        if (!(e instanceof EbpfError) || hooks.signal?.aborted) throw e;
        failures.push(e);
        hooks.say(`eBPF: kernel ${kernel} could not verify ${path.basename(program)}: ${e.message}`, true);
        return null;
      });
      if (!vm) continue;
      run = vm;
    }
    hooks.verified(run);
    out.push(run);
  }
  if (out.length === 0 && failures.length > 0) throw failures[0];
  return out;
}

async function verifyInVm(program: string, spec: Extract<KernelSpec, { kind: 'debian' }>, kernel: string, args: EbpfLaunchArguments, hooks: KernelRunHooks): Promise<KernelVerification> {
  const title = `eBPF: verifying ${path.basename(program)} on kernel ${kernel} in a VM`;
  hooks.say(`${title} (a few seconds once the kernel is cached)`);
  hooks.progress.start(title);
  const r = await verifyOnKernel([program], spec, {
    ...verifyOptions(args), signal: hooks.signal, vmAccel: args.vmAccel,
    progress: (m) => { hooks.say(`eBPF: ${m}`); hooks.progress.update(m); },
  }).finally(() => hooks.progress.end());
  const report = r.reports[0];
  const programs = r.verified[0]; // with their logs, to step through as on the host
  if (!report || !programs) throw new EbpfError('helper-failed', `The VM of kernel ${kernel} gave no report on ${program}.`);
  hooks.say(`eBPF: kernel ${report.kernel} answered in ${(r.timing.totalMs / 1000).toFixed(1)} s${r.timing.downloadedBytes ? ` (${(r.timing.downloadedBytes / 1e6).toFixed(1)} MB downloaded)` : ''}`);
  return { kernel, report, programs };
}
