/**
 * A boot under the accelerator the user asked for, or under `auto` the one this machine can use: the probe
 * (accel.ts) first, then the first KVM boot itself. A KVM boot that fails because of KVM (KvmBootError) is retried
 * once under TCG, and the answer is kept for the rest of the process, so only the first boot pays for finding out
 * and the user is told once why the VMs are emulated.
 */
import { accelFromProbe, KvmBootError, readKvmProbe, type KvmProbe, type VmAccel, type VmAccelRequest } from './accel';
import { bootKernel, type BootOptions, type BootResult } from './qemu-run';

export interface AccelBootOptions {
  /** Default `auto`. `kvm` and `tcg` are taken as given: a forced KVM that fails is an error, not a fallback. */
  request?: VmAccelRequest;
  /** Told once per process when `auto` settles on TCG, and why. */
  progress?: (message: string) => void;
  /** What the machine says about KVM (default: read it); a test can claim a KVM the real boot then refutes. */
  probe?: () => KvmProbe;
  /** The boot itself (default bootKernel): a unit test can stand in for QEMU. */
  boot?: (o: BootOptions) => Promise<BootResult>;
}

export interface AccelBootResult extends BootResult {
  /** The accelerator that answered. */
  accel: VmAccel;
}

/** `auto`'s answer in this process, once known: from the probe, or from a KVM boot that worked or failed. */
let answer: { accel: VmAccel; why: string | null } | undefined;
/** The KVM boot that is finding out: concurrent `auto` boots wait for it rather than each trying KVM. */
let trial: Promise<unknown> | undefined;

/** What `auto` settled on in this process (undefined: not yet asked). */
export function autoAccelAnswer(): { accel: VmAccel; why: string | null } | undefined {
  return answer;
}

/** Forget `auto`'s answer (tests that try several machines in one process). */
export function forgetAutoAccel(): void {
  answer = undefined;
}

export function kvmUnusableMessage(why: string): string {
  return `KVM unusable here (${why}): emulating (TCG)`;
}

export async function bootWithAccel(o: Omit<BootOptions, 'accel'>, a: AccelBootOptions = {}): Promise<AccelBootResult> {
  const boot = a.boot ?? bootKernel;
  const request = a.request ?? 'auto';
  if (request !== 'auto') return { ...(await boot({ ...o, accel: request })), accel: request };
  while (trial) await trial.catch(() => undefined);
  const settleOnTcg = (why: string) => {
    answer = { accel: 'tcg', why };
    a.progress?.(kvmUnusableMessage(why));
  };
  if (!answer) {
    const probed = accelFromProbe((a.probe ?? readKvmProbe)());
    if (probed.accel === 'tcg') settleOnTcg(probed.why ?? 'the probe says so');
  }
  if (answer?.accel !== 'tcg') {
    const attempt = boot({ ...o, accel: 'kvm' });
    // only a boot that finds out holds the others back: once KVM is known to work, boots run side by side
    const findingOut = !answer;
    if (findingOut) trial = attempt;
    try {
      const r = await attempt;
      answer = { accel: 'kvm', why: null };
      return { ...r, accel: 'kvm' };
    } catch (e) {
      // anything else (a timeout, a cancel, a guest that reports nothing) is the kernel's or the user's: not retried
      if (!(e instanceof KvmBootError)) throw e;
      settleOnTcg(e.reason);
    } finally {
      if (findingOut) trial = undefined;
    }
  }
  return { ...(await boot({ ...o, accel: 'tcg' })), accel: 'tcg' };
}
