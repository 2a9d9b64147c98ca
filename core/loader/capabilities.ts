/** Capability sets a verification can run with: the verifier's verdict depends on them. */
export const CAP_NET_ADMIN = 12;
export const CAP_PERFMON = 38;
export const CAP_BPF = 39;

export type CapabilitySet = 'full' | 'bpf' | 'bpf+perfmon' | 'bpf+perfmon+net_admin';

/** The capabilities each set keeps; null for "full" (whatever the loader has). */
export const CAPABILITY_SETS: Record<CapabilitySet, number[] | null> = {
  full: null,
  bpf: [CAP_BPF],
  'bpf+perfmon': [CAP_BPF, CAP_PERFMON],
  'bpf+perfmon+net_admin': [CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN],
};

export function isCapabilitySet(s: unknown): s is CapabilitySet {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(CAPABILITY_SETS, s);
}

/** What a loader needs for every program type: the helper keeps exactly these when it runs for a user. */
export const LOADER_CAPABILITIES = [CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN];
