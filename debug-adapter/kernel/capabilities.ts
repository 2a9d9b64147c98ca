/**
 * The helper's privileges. Started as root by sudo or pkexec for a user, it becomes that user with CAP_BPF,
 * CAP_PERFMON and CAP_NET_ADMIN only, before it reads an argument or a byte of stdin; `--capabilities=<set>`
 * keeps a subset (the verifier's verdict depends on them, see kernel-loading.md).
 */
import { readFileSync } from 'node:fs';
import { CAPABILITY_SETS, type CapabilitySet } from '../../core/loader/capabilities';
import { loadLibc, type Libc } from './libc';

const PR_SET_PDEATHSIG = 1;
const PR_SET_KEEPCAPS = 8;
const PR_CAPBSET_DROP = 24;
const PR_SET_NO_NEW_PRIVS = 38;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;
const CAP_LAST = 63;
const SIGKILL = 9;

/** The user sudo (SUDO_UID/SUDO_GID) or pkexec (PKEXEC_UID) started us for, when we run as root on someone's behalf. */
export function invokingUser(env: NodeJS.ProcessEnv = process.env): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const raw = env.SUDO_UID ?? env.PKEXEC_UID;
  if (raw === undefined) return null;
  const uid = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(uid) || uid > 0xfffffffe) throw new Error(`the requesting user's uid '${raw}' is not a number`);
  if (uid === 0) return null;
  const rawGid = env.SUDO_UID !== undefined ? env.SUDO_GID : undefined;
  let gid = rawGid !== undefined && /^\d+$/.test(rawGid) ? Number(rawGid) : NaN;
  if (!Number.isSafeInteger(gid) || gid > 0xfffffffe) {
    const entry = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[2] === String(uid));
    if (!entry) throw new Error(`uid ${uid} has no /etc/passwd entry to take its group from`);
    gid = Number(entry[3]);
  }
  if (gid === 0) throw new Error('the requesting user\'s group is root\'s; refusing to keep it');
  return { uid, gid };
}

/** Keep only `set` (bounding, permitted, effective; nothing inheritable). Throws with what went wrong. */
export function dropCapabilities(set: CapabilitySet): void {
  const keep = CAPABILITY_SETS[set];
  if (keep === null) return; // "full": the loader's own capabilities
  applyCapabilities(keep, loadLibc());
}

function applyCapabilities(keep: number[], c: Libc): void {
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
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) !== 0) throw new Error(`prctl(PR_SET_NO_NEW_PRIVS) failed (errno ${koffi.errno()})`);
}

/**
 * Become `uid`/`gid`, keeping only `keep` (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN by default), so files open with the
 * user's rights and nothing else of root remains; then check that it took.
 */
export function dropToUser(uid: number, gid: number, keep: number[]): void {
  const c = loadLibc();
  for (let cap = 0; cap <= CAP_LAST; cap++) if (!keep.includes(cap)) c.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  if (c.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) !== 0) throw new Error('prctl(PR_SET_KEEPCAPS) failed');
  if (c.setgroups(0, null) !== 0) throw new Error(`setgroups failed (errno ${c.koffi.errno()})`);
  if (c.setresgid(gid, gid, gid) !== 0) throw new Error(`setresgid(${gid}) failed (errno ${c.koffi.errno()})`);
  if (c.setresuid(uid, uid, uid) !== 0) throw new Error(`setresuid(${uid}) failed (errno ${c.koffi.errno()})`);
  applyCapabilities(keep, c); // setresuid cleared the effective set; raise exactly `keep` again
  const status = readFileSync('/proc/self/status', 'utf8');
  const ids = (field: string) => /^\S+:\s*(.*)$/m.exec(status.split('\n').find((l) => l.startsWith(`${field}:`)) ?? '')?.[1].split(/\s+/).map(Number) ?? [];
  if (!ids('Uid').every((v) => v === uid) || !ids('Gid').every((v) => v === gid)) throw new Error('the uid or gid did not change');
}

/**
 * End with the parent (sudo, or its monitor process): set after the drop, because a change of credentials clears
 * the parent-death signal.
 */
export function exitWithParent(): void {
  const c = loadLibc();
  if (c.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) !== 0) throw new Error(`prctl(PR_SET_PDEATHSIG) failed (errno ${c.koffi.errno()})`);
}
