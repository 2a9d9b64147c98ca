/**
 * Verify as a loader with fewer capabilities would: the helper drops to the requested set before it loads
 * libbpf (the verifier's verdict depends on CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN, see kernel-loading.md).
 */
import type * as Koffi from 'koffi';
import { CAPABILITY_SETS, type CapabilitySet } from '../../core/loader/capabilities';

const PR_SET_KEEPCAPS = 8;
const PR_CAPBSET_DROP = 24;
const PR_SET_NO_NEW_PRIVS = 38;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;
const CAP_LAST = 63;

function libc() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof Koffi; // loaded here, so a missing koffi is reported per request, not at start
  const lib = koffi.load('libc.so.6');
  return {
    koffi,
    prctl: lib.func('int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
    capset: lib.func('int capset(void *header, void *data)'),
    setgroups: lib.func('int setgroups(size_t size, const void *list)'),
    setresgid: lib.func('int setresgid(uint32_t rgid, uint32_t egid, uint32_t sgid)'),
    setresuid: lib.func('int setresuid(uint32_t ruid, uint32_t euid, uint32_t suid)'),
  };
}

/** Keep only `set` (bounding, permitted, effective; nothing inheritable). Throws with what went wrong. */
export function dropCapabilities(set: CapabilitySet): void {
  const keep = CAPABILITY_SETS[set];
  if (keep === null) return; // "full": the loader's own capabilities
  applyCapabilities(keep, libc());
}

function applyCapabilities(keep: number[], c: ReturnType<typeof libc>): void {
  const { koffi, prctl, capset } = c;
  for (let cap = 0; cap <= CAP_LAST; cap++) {
    if (!keep.includes(cap)) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0); // EINVAL for caps this kernel lacks: fine
  }
  const header = Buffer.alloc(8);
  header.writeUInt32LE(LINUX_CAPABILITY_VERSION_3, 0);
  const data = Buffer.alloc(24); // two { effective, permitted, inheritable } words: caps 0-31, 32-63
  for (const cap of keep) {
    const word = cap >> 5;
    const bit = 1 << (cap & 31);
    data.writeUInt32LE((data.readUInt32LE(word * 12) | bit) >>> 0, word * 12);
    data.writeUInt32LE((data.readUInt32LE(word * 12 + 4) | bit) >>> 0, word * 12 + 4);
  }
  if (capset(header, data) !== 0) throw new Error(`capset failed (errno ${koffi.errno()}): cannot keep capabilities ${keep.join(',')}`);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/**
 * Started as root by sudo or pkexec for a user: become that user, keeping only `keep` (CAP_BPF, CAP_PERFMON,
 * CAP_NET_ADMIN by default), so files open with the user's rights and nothing else of root remains.
 */
export function dropToUser(uid: number, gid: number, keep: number[]): void {
  const c = libc();
  for (let cap = 0; cap <= CAP_LAST; cap++) if (!keep.includes(cap)) c.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  if (c.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) !== 0) throw new Error('prctl(PR_SET_KEEPCAPS) failed');
  if (c.setgroups(0, null) !== 0) throw new Error(`setgroups failed (errno ${c.koffi.errno()})`);
  if (c.setresgid(gid, gid, gid) !== 0) throw new Error(`setresgid(${gid}) failed (errno ${c.koffi.errno()})`);
  if (c.setresuid(uid, uid, uid) !== 0) throw new Error(`setresuid(${uid}) failed (errno ${c.koffi.errno()})`);
  applyCapabilities(keep, c); // setresuid cleared the effective set; raise exactly `keep` again
}
