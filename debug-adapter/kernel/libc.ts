/**
 * The few libc calls the helper makes itself (privileges, the helper lock, the wall-time timer), declared once.
 * koffi is required lazily so that a missing native module is reported as such, not as a crash at start.
 */
import type * as Koffi from 'koffi';

type NativeFn = ReturnType<Koffi.LibraryHandle['func']>;

export interface Libc {
  koffi: typeof Koffi;
  prctl: NativeFn;
  capset: NativeFn;
  setgroups: NativeFn;
  setresgid: NativeFn;
  setresuid: NativeFn;
  /** Variadic: fcntl(fd, cmd, 'void *', arg). */
  fcntl: NativeFn;
  setitimer: NativeFn;
}

let libc: Libc | undefined;

export function loadLibc(): Libc {
  if (libc) return libc;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof Koffi;
  const lib = koffi.load('libc.so.6');
  libc = {
    koffi,
    prctl: lib.func('int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
    capset: lib.func('int capset(void *header, void *data)'),
    setgroups: lib.func('int setgroups(size_t size, const void *list)'),
    setresgid: lib.func('int setresgid(uint32_t rgid, uint32_t egid, uint32_t sgid)'),
    setresuid: lib.func('int setresuid(uint32_t ruid, uint32_t euid, uint32_t suid)'),
    fcntl: lib.func('int fcntl(int fd, int cmd, ...)'),
    setitimer: lib.func('int setitimer(int which, const void *value, void *old)'),
  };
  return libc;
}
