import os from 'node:os';

const NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(os.constants.errno)) {
  if (!NAMES.has(value)) NAMES.set(value, name);
}
// libbpf's private error codes (libbpf.h, enum libbpf_errno)
const LIBBPF_NAMES: Record<number, string> = {
  4000: 'LIBBPF_ERRNO__LIBELF', 4001: 'LIBBPF_ERRNO__FORMAT', 4002: 'LIBBPF_ERRNO__KVERSION', 4003: 'LIBBPF_ERRNO__ENDIAN',
  4004: 'LIBBPF_ERRNO__INTERNAL', 4005: 'LIBBPF_ERRNO__RELOC', 4006: 'LIBBPF_ERRNO__LOAD', 4007: 'LIBBPF_ERRNO__VERIFY',
  4008: 'LIBBPF_ERRNO__PROG2BIG', 4009: 'LIBBPF_ERRNO__KVER', 4010: 'LIBBPF_ERRNO__PROGTYPE', 4011: 'LIBBPF_ERRNO__WRNGPID',
  4012: 'LIBBPF_ERRNO__INVSEQ', 4013: 'LIBBPF_ERRNO__NLPARSE',
};

export function errnoName(errno: number): string | null {
  if (errno === 0) return null;
  return NAMES.get(errno) ?? LIBBPF_NAMES[errno] ?? null;
}
