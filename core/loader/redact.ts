/**
 * Kernel addresses out of what the helper returns to a user who is not root. With CAP_PERFMON the verifier prints
 * the address a ld_imm64 loads (`6: (18) r1 = 0xffff88810438e400` for a map, a kernel symbol's address for a ksym)
 * although that user's /proc/kallsyms shows zeros. Those become `<kernel address>`; the state beside them
 * (`R1=map_ptr(map=packet_count,ks=4,vs=8)`) is kept, and so are constants that only look like addresses
 * (masks such as 0xffffffff00000000, and -1).
 */
export const KERNEL_ADDRESS = '<kernel address>';

const KERNEL_HALF = 0xffff800000000000n;
const ALL_ONES = 0xffffffffffffffffn;
const LD_IMM64 = Buffer.from('(18) r');
const ASSIGN_HEX = Buffer.from(' = 0x');
const REPLACEMENT = Buffer.from(KERNEL_ADDRESS);

/** In the kernel's half of the address space and not a mask (ones then zeros, which includes -1). */
export function isKernelAddress(value: bigint): boolean {
  if (value < KERNEL_HALF || value > ALL_ONES) return false;
  const low = ~value & ALL_ONES; // a mask 1..10..0 has low = 0..01..1
  return (low & (low + 1n)) !== 0n;
}

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/**
 * Redact in place the first `length` bytes of a verifier log; returns the new length. The hex (18 bytes with its
 * 0x) becomes the 16-byte marker plus two spaces where the kernel padded the line for its `; state` column, so
 * the columns stay put; at the end of a line the rest of the log moves up two bytes.
 */
export function redactLog(buf: Buffer, length: number): number {
  const log = buf.subarray(0, length);
  let read = 0;
  let write = 0;
  for (let at = log.indexOf(LD_IMM64); at >= 0; at = log.indexOf(LD_IMM64, at + LD_IMM64.length)) {
    let p = at + LD_IMM64.length;
    while (p < length && p - at < LD_IMM64.length + 2 && log[p] >= 48 && log[p] <= 57) p++; // r0..r10
    if (log.compare(ASSIGN_HEX, 0, ASSIGN_HEX.length, p, p + ASSIGN_HEX.length) !== 0) continue;
    const hexStart = p + ASSIGN_HEX.length;
    let hexEnd = hexStart;
    while (hexEnd < length && hexEnd - hexStart <= 16 && isHex(log[hexEnd])) hexEnd++;
    if (hexEnd - hexStart !== 16 || !isKernelAddress(BigInt(`0x${log.toString('latin1', hexStart, hexEnd)}`))) continue;
    const valueStart = hexStart - 2;
    if (write !== read) log.copyWithin(write, read, valueStart);
    write += valueStart - read;
    REPLACEMENT.copy(log, write);
    write += REPLACEMENT.length;
    read = hexEnd;
    if (log[hexEnd] === 32) { // padded for the state column: keep the width
      log[write++] = 32;
      log[write++] = 32;
    }
    at = hexEnd - LD_IMM64.length;
  }
  if (read === write) return length;
  log.copyWithin(write, read, length);
  return write + (length - read);
}

/** libbpf's messages are short strings: any 16-digit kernel-half hex that is not a mask goes. */
export function redactText(text: string): string {
  return text.replace(/0x([0-9a-f]{16})(?![0-9a-f])/gi, (all, hex: string) => (isKernelAddress(BigInt(`0x${hex}`)) ? KERNEL_ADDRESS : all));
}
