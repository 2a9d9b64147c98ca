/**
 * Enforcing the limits root set (core/loader/limits.ts) where the kernel is involved:
 * - helpers per user: a root-owned lock file per user under /run, opened as root before the privilege drop,
 *   with one open-file-description byte lock per helper (released by the kernel when the helper exits);
 * - wall time of a load: an interval timer whose SIGALRM makes the verifier stop (it checks for pending
 *   signals between instructions and returns EAGAIN), so the helper answers instead of being killed.
 */
import { closeSync, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, constants as fsc } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LIMITS, LIMITS_FILE_NAME, LimitExceeded, parseLimitsFile, type HelperLimits } from '../../core/loader/limits';
import { rootSafe } from '../../core/setup/privileged-setup';
import { loadLibc } from './libc';

export const LOCK_DIR = '/run/ebpf-debugger';
const F_OFD_SETLK = 37;
const F_WRLCK = 1;

/** As root, before the drop: the user's lock file, which the user can lock through this descriptor but not replace. */
export function openUserLock(uid: number, dir = LOCK_DIR): number {
  if (!existsSync(dir)) mkdirSync(dir, { mode: 0o755 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) throw new Error(`${dir} is not a root-owned directory only root can write`);
  const fd = openSync(path.join(dir, `helpers-${uid}.lock`), fsc.O_RDWR | fsc.O_CREAT | fsc.O_NOFOLLOW, 0o600);
  const f = fstatSync(fd);
  if (!f.isFile() || f.uid !== 0) {
    closeSync(fd);
    throw new Error(`${dir}/helpers-${uid}.lock is not a root-owned file`);
  }
  return fd;
}

/** Take one of `slots` byte locks on the lock file, or refuse naming the limit. */
export function takeHelperSlot(fd: number, slots: number, uid: number): number {
  const { fcntl } = loadLibc();
  for (let slot = 0; slot < slots; slot++) {
    const flock = Buffer.alloc(32); // struct flock: l_type, l_whence, l_start, l_len, l_pid (0 for OFD locks)
    flock.writeInt16LE(F_WRLCK, 0);
    flock.writeBigInt64LE(BigInt(slot), 8);
    flock.writeBigInt64LE(1n, 16);
    if (fcntl(fd, F_OFD_SETLK, 'void *', flock) === 0) return slot;
  }
  throw new LimitExceeded('helpersPerUser', slots + 1, slots, `uid ${uid} already runs ${slots} verification helper${slots === 1 ? '' : 's'} (editor sessions or CLI runs); one more was asked`);
}

/** The limits of the root-owned install the helper runs from: limits.json beside dist/, trusted only if root-safe. */
export function installedLimits(helperDir: string): { limits: HelperLimits; source: string } {
  const file = path.join(helperDir, '..', LIMITS_FILE_NAME);
  if (!existsSync(file)) return { limits: { ...DEFAULT_LIMITS }, source: 'defaults' };
  const unsafe = rootSafe(file);
  if (unsafe) return { limits: { ...DEFAULT_LIMITS }, source: `defaults (${file} ignored: ${unsafe})` };
  return { limits: parseLimitsFile(readFileSync(file, 'utf8')), source: file };
}

/** Arms SIGALRM `seconds` from now, then every 20 ms (libbpf retries a load that failed with EAGAIN). */
export class LoadDeadline {
  private static installed = false;

  constructor(private readonly seconds: number) {
    if (!LoadDeadline.installed) {
      process.on('SIGALRM', () => {}); // handled, so the default action (exit) does not apply
      LoadDeadline.installed = true;
    }
  }

  run<T>(body: () => T): { value: T; expired: boolean } {
    const t0 = process.hrtime.bigint();
    this.arm(Math.floor(this.seconds), Math.round((this.seconds % 1) * 1e6));
    try {
      const value = body();
      return { value, expired: Number(process.hrtime.bigint() - t0) / 1e9 >= this.seconds };
    } finally {
      this.arm(0, 0);
    }
  }

  private arm(sec: number, usec: number): void {
    const { setitimer, koffi } = loadLibc();
    const v = Buffer.alloc(32); // struct itimerval { it_interval, it_value } of struct timeval { tv_sec, tv_usec }
    if (sec || usec) v.writeBigInt64LE(20_000n, 8);
    v.writeBigInt64LE(BigInt(sec), 16);
    v.writeBigInt64LE(BigInt(usec), 24);
    if (setitimer(0, v, null) !== 0) throw new Error(`setitimer failed (errno ${koffi.errno()})`);
  }
}
