/** Size and alignment of C scalar types on the BPF target (LP64, little-endian; clang's bpf data layout). */
export interface ScalarLayout { size: number; align: number }

const s = (size: number, align = size): ScalarLayout => ({ size, align });

export const BPF_SCALARS: ReadonlyMap<string, ScalarLayout> = new Map<string, ScalarLayout>([
  ['char', s(1)], ['signed char', s(1)], ['unsigned char', s(1)], ['_Bool', s(1)], ['bool', s(1)],
  ['short', s(2)], ['signed short', s(2)], ['unsigned short', s(2)], ['short int', s(2)], ['unsigned short int', s(2)],
  ['int', s(4)], ['signed int', s(4)], ['unsigned int', s(4)], ['signed', s(4)], ['unsigned', s(4)],
  ['long', s(8)], ['signed long', s(8)], ['unsigned long', s(8)], ['long int', s(8)], ['unsigned long int', s(8)],
  ['long long', s(8)], ['signed long long', s(8)], ['unsigned long long', s(8)], ['long long int', s(8)],
  ['unsigned long long int', s(8)],
  ['__int128', s(16)], ['unsigned __int128', s(16)], ['__int128_t', s(16)], ['__uint128_t', s(16)],
  ['float', s(4)], ['double', s(8)], ['long double', s(8)],
  // kernel and libbpf typedefs (linux/types.h, asm-generic/int-ll64.h, vmlinux.h)
  ['__u8', s(1)], ['__s8', s(1)], ['u8', s(1)], ['s8', s(1)], ['uint8_t', s(1)], ['int8_t', s(1)],
  ['__u16', s(2)], ['__s16', s(2)], ['u16', s(2)], ['s16', s(2)], ['uint16_t', s(2)], ['int16_t', s(2)],
  ['__be16', s(2)], ['__le16', s(2)], ['__sum16', s(2)],
  ['__u32', s(4)], ['__s32', s(4)], ['u32', s(4)], ['s32', s(4)], ['uint32_t', s(4)], ['int32_t', s(4)],
  ['__be32', s(4)], ['__le32', s(4)], ['__wsum', s(4)], ['pid_t', s(4)], ['uid_t', s(4)], ['gid_t', s(4)],
  ['__u64', s(8)], ['__s64', s(8)], ['u64', s(8)], ['s64', s(8)], ['uint64_t', s(8)], ['int64_t', s(8)],
  ['__be64', s(8)], ['__le64', s(8)], ['__aligned_u64', s(8)], ['__aligned_be64', s(8)], ['__aligned_le64', s(8)],
  ['size_t', s(8)], ['ssize_t', s(8)], ['uintptr_t', s(8)], ['intptr_t', s(8)], ['ptrdiff_t', s(8)],
  ['__kernel_size_t', s(8)], ['__kernel_ssize_t', s(8)], ['loff_t', s(8)], ['off_t', s(8)],
]);

export const POINTER: ScalarLayout = s(8);
/**
 * The size clang gives an enum without a fixed underlying type, from the range of its values: packed, the smallest
 * integer that holds them; otherwise int (or unsigned int), and 8 bytes when a value does not fit in 32 bits (a clang
 * extension before C23). Unknown values (null): a plain enum stays int-sized, since ISO C before C23 requires every
 * enumerator to fit in an int; a packed one has no answer.
 */
export function enumSize(packed: boolean, min: bigint | null, max: bigint | null): number | null {
  if (min === null || max === null) return packed ? null : 4;
  const fits = (bytes: number) => {
    const bits = BigInt(bytes * 8);
    return min < 0n ? min >= -(1n << (bits - 1n)) && max < 1n << (bits - 1n) : max < 1n << bits;
  };
  for (const bytes of packed ? [1, 2, 4, 8] : [4, 8]) if (fits(bytes)) return bytes;
  return 16; // beyond 64 bits: clang picks __int128
}
/** The BPF target's largest fundamental alignment (`__attribute__((aligned))` without N). */
export const MAX_ALIGN = 8;

/**
 * The spelling BPF_SCALARS uses for a C arithmetic type written with its keywords in any order and number:
 * `short unsigned int` -> `unsigned short`, `long long unsigned int` -> `unsigned long long`, `char signed` ->
 * `signed char`, `int long` -> `long`, `unsigned` -> `unsigned int`. Words that do not form an arithmetic type are
 * returned joined as they came (a typedef name, a macro): the layout engine then looks them up as names.
 */
export function canonicalScalar(words: string[]): string {
  const w = words.filter((x) => x !== '');
  const count = (k: string) => w.filter((x) => x === k).length;
  const known = new Set(['signed', 'unsigned', 'short', 'long', 'int', 'char', '__int128', 'double', 'float', '_Bool']);
  if (w.length === 0 || w.some((x) => !known.has(x))) return w.join(' ');
  const sign = count('unsigned') ? 'unsigned ' : count('signed') ? 'signed ' : '';
  const longs = count('long');
  if (count('char')) return `${sign}char`;
  if (count('__int128')) return sign === 'unsigned ' ? 'unsigned __int128' : '__int128';
  if (count('double')) return longs ? 'long double' : 'double';
  if (count('float')) return 'float';
  if (count('_Bool')) return '_Bool';
  const unsigned = sign === 'unsigned ' ? 'unsigned ' : ''; // `signed` adds nothing to short, int and long
  if (count('short')) return `${unsigned}short`;
  if (longs >= 2) return `${unsigned}long long`;
  if (longs === 1) return `${unsigned}long`;
  return `${unsigned}int`;
}
