/**
 * Verify as a loader with fewer capabilities would: the helper drops to the requested set before it loads
 * libbpf (the verifier's verdict depends on CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN, see kernel-loading.md).
 */
import type * as Koffi from 'koffi';
import { CAPABILITY_SETS, type CapabilitySet } from '../../core/loader/capabilities';

const PR_CAPBSET_DROP = 24;
const PR_SET_NO_NEW_PRIVS = 38;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;
const CAP_LAST = 63;

/** Keep only `set` (bounding, permitted, effective; nothing inheritable). Throws with what went wrong. */
export function dropCapabilities(set: CapabilitySet): void {
  const keep = CAPABILITY_SETS[set];
  if (keep === null) return; // "full": the loader's own capabilities
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof Koffi; // loaded here, so a missing koffi is reported per request, not at start
  const libc = koffi.load('libc.so.6');
  const prctl = libc.func('int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)');
  const capset = libc.func('int capset(void *header, void *data)');
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
  if (capset(header, data) !== 0) throw new Error(`capset failed (errno ${koffi.errno()}): cannot switch to the "${set}" capability set`);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}
