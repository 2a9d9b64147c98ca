/**
 * Which accelerator boots a Debian kernel: KVM where /dev/kvm can run a stock kernel, TCG (software emulation,
 * 7-24x slower verifier) elsewhere. A /dev/kvm that opens is not enough: PVM's (kvm_pvm, on some cloud VMs) runs
 * only kernels built for PVM, and a stock kernel under it either makes QEMU abort at once (an MSR it cannot set) or
 * crawls and then stops on an "emulation failure", QEMU left paused. So the probe looks for hardware virtualisation
 * (vmx/svm) too, and a KVM boot that fails in one of those ways is retried under TCG (accel-boot.ts).
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { EbpfError } from '../errors';

export type VmAccel = 'kvm' | 'tcg';
/** What the user asks for: `auto` (the default) lets the probe and the first boot decide. */
export type VmAccelRequest = 'auto' | VmAccel;
export const VM_ACCEL_REQUESTS: readonly VmAccelRequest[] = ['auto', 'kvm', 'tcg'];
export const VM_ACCEL_ENV = 'EBPF_DEBUGGER_VM_ACCEL';

export function isVmAccelRequest(v: unknown): v is VmAccelRequest {
  return typeof v === 'string' && (VM_ACCEL_REQUESTS as readonly string[]).includes(v);
}

/**
 * The request from an option (`--vm-accel`, the `vmAccel` launch attribute), else EBPF_DEBUGGER_VM_ACCEL, else
 * auto. `where` names the option in the error for a value that is none of the three.
 */
export function vmAccelRequest(option: string | undefined, env: NodeJS.ProcessEnv = process.env, where = '--vm-accel'): VmAccelRequest {
  const [value, from] = option !== undefined ? [option, where] : [env[VM_ACCEL_ENV], VM_ACCEL_ENV];
  if (value === undefined || value === '') return 'auto';
  if (!isVmAccelRequest(value)) throw new EbpfError('usage', `${from} must be one of ${VM_ACCEL_REQUESTS.join(', ')}, not '${value}'.`);
  return value;
}

/** What this machine says about KVM, before any boot. */
export interface KvmProbe {
  /** /dev/kvm: read-write for us, there but not ours, or absent. */
  device: 'usable' | 'denied' | 'missing';
  /** The CPU flags name vmx or svm: a KVM on them runs any kernel. */
  hardwareVirt: boolean;
  /** The kvm_pvm module is loaded: /dev/kvm is PVM's, which runs only PVM guest kernels. */
  pvm: boolean;
}

export interface KvmProbePaths { device: string; cpuinfo: string; pvmModule: string }
const PROBE_PATHS: KvmProbePaths = { device: '/dev/kvm', cpuinfo: '/proc/cpuinfo', pvmModule: '/sys/module/kvm_pvm' };

export function readKvmProbe(paths: KvmProbePaths = PROBE_PATHS): KvmProbe {
  let device: KvmProbe['device'] = 'missing';
  if (existsSync(paths.device)) {
    try {
      accessSync(paths.device, constants.R_OK | constants.W_OK);
      device = 'usable';
    } catch {
      device = 'denied';
    }
  }
  let flags = '';
  try {
    flags = readFileSync(paths.cpuinfo, 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  } catch { /* no /proc: no evidence of hardware virtualisation */ }
  return { device, hardwareVirt: /\s(vmx|svm)(\s|$)/.test(`${flags} `), pvm: existsSync(paths.pvmModule) };
}

/** The accelerator a probe points to, and when it is TCG, why KVM is not (for the one message that says so). */
export function accelFromProbe(p: KvmProbe): { accel: VmAccel; why: string | null } {
  if (p.device === 'missing') return { accel: 'tcg', why: 'no /dev/kvm' };
  if (p.device === 'denied') return { accel: 'tcg', why: '/dev/kvm is not readable and writable by this user' };
  if (p.pvm) return { accel: 'tcg', why: "/dev/kvm is PVM's (kvm_pvm), which runs only kernels built for PVM" };
  if (!p.hardwareVirt) return { accel: 'tcg', why: '/dev/kvm is there but the CPU shows no vmx/svm, so it is no hardware KVM' };
  return { accel: 'kvm', why: null };
}

/**
 * QEMU's stderr when KVM itself failed (not the guest): the reason in a few words, else null. Each pattern was seen
 * with QEMU 7.2 on a PVM host, or is QEMU's own wording for a KVM it cannot open.
 */
export function kvmFailure(stderr: string): string | null {
  const msr = /failed to set MSR (0x[0-9a-f]+)/i.exec(stderr);
  if (msr || /kvm_buf_set_msrs: Assertion/.test(stderr)) return `QEMU aborted: KVM refused to set MSR ${msr?.[1] ?? 'values'}`;
  if (/KVM internal error/.test(stderr)) {
    return /emulation failure/.test(stderr) ? 'KVM internal error: emulation failure' : 'KVM internal error';
  }
  const init = /failed to initialize kvm: ([^\n]+)/i.exec(stderr);
  if (init) return `QEMU could not initialise KVM: ${init[1].trim()}`;
  if (/Could not access KVM kernel module|KVM is not supported|kvm: not supported/i.test(stderr)) return 'QEMU could not use KVM';
  return null;
}

/** A boot that failed because of KVM, not of the kernel or the program: TCG may still boot it. */
export class KvmBootError extends EbpfError {
  constructor(readonly reason: string) {
    super('helper-failed', `KVM could not run the kernel here (${reason}).`, 'Use --vm-accel tcg (or auto), or the launch attribute "vmAccel": "tcg".');
  }
}
