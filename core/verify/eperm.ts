import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * EPERM from BPF_PROG_LOAD is not always about capabilities: as root with every capability the kernel can refuse
 * a program (kernel lockdown, an LSM policy, a kernel that refuses BPF trampolines, a missing attach target).
 * The message says what was seen and blames capabilities only when one the program type needs is missing.
 * The facts are gathered apart from the wording so that cases this machine cannot produce are unit-tested.
 */
export interface EpermFacts {
  uid: number;
  /** Effective capability mask, hex as in /proc/self/status (CapEff). */
  capEff: string;
  /** The program's ELF section (`fentry/do_unlinkat`, `xdp`…), which gives its type and attach target. */
  section: string | null;
  /** The verifier's log size: 0 means the kernel refused before the verifier wrote anything. */
  logBytes: number;
  /** The lockdown mode (none, integrity, confidentiality), or null when neither source below can be read. */
  lockdown: string | null;
  /** Where the mode was read: /sys/kernel/security/lockdown, or the kernel's config (a mode forced at build time). */
  lockdownSource?: 'securityfs' | 'kernel config' | null;
  /** kernel.unprivileged_bpf_disabled (0, 1 or 2), or null when unreadable. */
  unprivilegedBpfDisabled: number | null;
  /** Whether the attach target (the function after the section's `/`) is a FUNC in the kernel's BTF; null: not asked. */
  attachTargetInBtf: boolean | null;
}

const CAP = { NET_ADMIN: 12, SYS_ADMIN: 21, PERFMON: 38, BPF: 39 } as const;
const TRAMPOLINE = /^(fentry|fexit|fmod_ret|lsm|lsm_cgroup|freplace)(\.s)?\//;
const TRACING = /^(kprobe|kretprobe|uprobe|uretprobe|ksyscall|kretsyscall|usdt|tracepoint|tp|raw_tracepoint|raw_tp|tp_btf|fentry|fexit|fmod_ret|lsm|iter|perf_event|kprobe\.multi|kretprobe\.multi|uprobe\.multi)(\.s)?\b/;
const NETWORKING = /^(xdp|tc|tcx|classifier|action|cgroup_skb|cgroup\/|sk_skb|sk_msg|sockops|sk_lookup|sk_reuseport|flow_dissector|lwt_|netkit|netfilter|struct_ops)/;

function hasCap(capEff: string, cap: number): boolean {
  try {
    return ((BigInt(`0x${capEff || '0'}`) >> BigInt(cap)) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** The capabilities a program of this section needs that the loader does not have (CAP_SYS_ADMIN stands for all). */
export function missingCapabilities(facts: Pick<EpermFacts, 'capEff' | 'section'>): string[] {
  if (hasCap(facts.capEff, CAP.SYS_ADMIN)) return [];
  const need: [string, number][] = [['CAP_BPF', CAP.BPF]];
  const section = facts.section ?? '';
  if (TRACING.test(section)) need.push(['CAP_PERFMON', CAP.PERFMON]);
  if (NETWORKING.test(section)) need.push(['CAP_NET_ADMIN', CAP.NET_ADMIN]);
  return need.filter(([, c]) => !hasCap(facts.capEff, c)).map(([n]) => n);
}

/** The attach target a section names: `fentry/do_unlinkat` → do_unlinkat (null for sections without one). */
export function attachTarget(section: string | null): string | null {
  if (!section || !TRAMPOLINE.test(section)) return null;
  const name = section.slice(section.indexOf('/') + 1);
  return /^[A-Za-z_]\w*$/.test(name) ? name : null;
}

/** What was seen, as one line: `uid 0, CapEff 000001ffffffffff, lockdown integrity, …`. */
function seen(f: EpermFacts): string {
  const target = attachTarget(f.section);
  return [
    `uid ${f.uid}`, `effective capabilities 0x${f.capEff}`,
    `lockdown ${f.lockdown === null ? 'unknown (/sys/kernel/security/lockdown not readable: securityfs not mounted)' : `${f.lockdown}${f.lockdownSource === 'kernel config' ? ' (forced by the kernel config)' : ''}`}`,
    `kernel.unprivileged_bpf_disabled ${f.unprivilegedBpfDisabled ?? 'unknown'}`,
    ...(target ? [`attach target ${target} ${f.attachTargetInBtf === null ? 'not looked up' : f.attachTargetInBtf ? 'is in the kernel\'s BTF' : 'is NOT in the kernel\'s BTF'}`] : []),
    `verifier log ${f.logBytes === 0 ? 'empty (refused before the verifier ran)' : `${f.logBytes} bytes`}`,
  ].join(', ');
}

export const SETUP_HINT = 'To verify without root, run `sudo ebpf-debugger setup-privileges --install --user $USER` once '
  + '(in VS Code: "eBPF: Set Up Privileged Verification"), or run as root.';

/** The user-facing message for an EPERM load failure, from the facts seen. */
export function explainEperm(f: EpermFacts): string {
  const missing = missingCapabilities(f);
  const facts = `Seen: ${seen(f)}.`;
  if (missing.length > 0) {
    return `The kernel refused to load the program (EPERM): the loader lacks ${missing.join(', ')} `
      + `(networking programs such as XDP and TC need CAP_NET_ADMIN, tracing programs CAP_PERFMON). ${SETUP_HINT}\n${facts}`;
  }
  const target = attachTarget(f.section);
  if (target && f.attachTargetInBtf === false) {
    return `The kernel refused to load the program (EPERM) and the loader has the capabilities it needs: the attach target '${target}' `
      + `is not a function in this kernel's BTF (/sys/kernel/btf/vmlinux). Check the function name for this kernel version.\n${facts}`;
  }
  if (f.lockdown === 'confidentiality') {
    return 'The kernel refused to load the program (EPERM) and the loader has the capabilities it needs: the kernel is locked down '
      + '(lockdown=confidentiality), which forbids BPF programs from reading kernel memory. Boot with lockdown=integrity or none '
      + `(or without Secure Boot's lockdown) to load it.\n${facts}`;
  }
  if (target && f.logBytes === 0) {
    const locked = f.lockdown !== null && f.lockdown !== 'none';
    return `The kernel refused this ${TRAMPOLINE.exec(f.section ?? '')![1]} program (EPERM) before the verifier ran, and not for want of `
      + `capabilities: the loader has every one it needs${f.attachTargetInBtf ? ' and the attach target exists' : ''}. fentry, fexit, fmod_ret and lsm programs `
      + 'need a BPF trampoline on the target function (ftrace direct calls), and this kernel refuses it even to a loader with every '
      + `capability${locked ? ` (it is locked down: ${f.lockdown}${f.lockdownSource === 'kernel config' ? ', forced by its build configuration' : ''})`
        : ' (a kernel built or patched without trampolines, or an LSM policy on bpf_prog_load)'}. `
      + 'Programs without a trampoline (kprobe, tp_btf, iter) load here. The verifier never saw the program: verify it on a kernel '
      + `that allows trampolines, or its logic as a kprobe or tp_btf program.\n${facts}`;
  }
  return 'The kernel refused to load the program (EPERM) although the loader has the capabilities it needs: a security policy '
    + `(an LSM such as SELinux, AppArmor or a BPF LSM program, or lockdown) refused it.\n${facts}`;
}

function readTrimmed(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The selected mode of `none [integrity] confidentiality`. */
export function parseLockdown(text: string | null): string | null {
  if (text === null) return null;
  return /\[(\w+)\]/.exec(text)?.[1] ?? null;
}

/** The running kernel's config (/proc/config.gz, else /boot/config-<release>), or null. */
function kernelConfig(): string | null {
  try {
    return gunzipSync(readFileSync('/proc/config.gz')).toString('latin1');
  } catch {
    try {
      return readFileSync(`/boot/config-${readTrimmed('/proc/sys/kernel/osrelease') ?? ''}`, 'latin1');
    } catch {
      return null;
    }
  }
}

/** A lockdown mode the kernel's config forces (CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY=y…), or null. */
export function lockdownFromConfig(config: string | null): string | null {
  const m = config && /^CONFIG_LOCK_DOWN_KERNEL_FORCE_(NONE|INTEGRITY|CONFIDENTIALITY)=y$/m.exec(config);
  return m ? m[1].toLowerCase() : null;
}

/** The facts of this machine for an EPERM (only read on an EPERM: the BTF lookup reads the kernel's BTF). */
export function gatherEpermFacts(base: Pick<EpermFacts, 'uid' | 'capEff' | 'section' | 'logBytes'>, hasKernelFunc: (name: string) => boolean | null): EpermFacts {
  const unpriv = readTrimmed('/proc/sys/kernel/unprivileged_bpf_disabled');
  const target = attachTarget(base.section);
  const fromFs = parseLockdown(readTrimmed('/sys/kernel/security/lockdown'));
  const fromConfig = fromFs === null ? lockdownFromConfig(kernelConfig()) : null;
  return {
    ...base,
    lockdown: fromFs ?? fromConfig,
    lockdownSource: fromFs !== null ? 'securityfs' : fromConfig !== null ? 'kernel config' : null,
    unprivilegedBpfDisabled: unpriv !== null && /^\d+$/.test(unpriv) ? Number(unpriv) : null,
    attachTargetInBtf: target ? hasKernelFunc(target) : null,
  };
}
