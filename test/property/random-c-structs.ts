import { rng } from '../fuzz/log-mutator';

const SCALARS = ['char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned int', 'long', 'unsigned long',
  'long long', '__u8', '__u16', '__u32', '__u64', '__s8', '__s16', '__s32', '__s64', '_Bool', 'float', 'double', '__int128'];
const BITFIELD_TYPES: [string, number][] = [['unsigned int', 32], ['int', 32], ['__u8', 8], ['__u16', 16], ['__u64', 64], ['unsigned long long', 64]];

/**
 * Enums whose sizes differ: int-sized, 64-bit values, negative values, packed (1, 2 and 4 bytes), a fixed underlying
 * type (C23, accepted by clang as an extension), values written as expressions and as earlier enumerators.
 */
const ENUMS = [
  'enum e_int { EI_A, EI_B = 1000 };',
  "enum e_expr { EX_A = (1 << 3) | 2, EX_B = EX_A + 1, EX_C = 'z', EX_D = ~0x0 & 0x7f };",
  'enum e_big { EB_A = 0x100000000ULL };',
  'enum e_neg_big { EN_A = -1, EN_B = 1LL << 40 };',
  'enum e_packed1 { EP1_A, EP1_B = 255 } __attribute__((packed));',
  'enum e_packed2 { EP2_A = -129, EP2_B } __attribute__((packed));',
  'enum e_packed4 { EP4_A = 70000 } __attribute__((packed));',
  'enum __attribute__((packed)) e_packed_prefix { EPP_A = 40000 };',
  'enum e_fixed : __u16 { EF_A };',
  'enum e_fixed64 : __s64 { EF64_A };',
];

/** C source with `count` random structs and unions (each may nest earlier ones), plus a variable of each so BTF keeps it. */
export function randomCStructs(count: number, seed: number): { source: string; names: string[] } {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const lines = ['typedef unsigned char __u8; typedef unsigned short __u16; typedef unsigned int __u32; typedef unsigned long long __u64;',
    'typedef signed char __s8; typedef short __s16; typedef int __s32; typedef long long __s64;', ...ENUMS];
  const enumNames = ENUMS.map((e) => /^enum (?:__attribute__\(\(\w+\)\) )?(\w+)/.exec(e)![1]);
  const names: string[] = [];
  const nestable: string[] = []; // structs ending in a flexible array are not nested in others
  for (let i = 0; i < count; i++) {
    const tag = r() < 0.15 ? 'union' : 'struct';
    const name = `t${i}`;
    const fields: string[] = [];
    const n = 1 + Math.floor(r() * 7);
    for (let f = 0; f < n; f++) {
      const roll = r();
      if (roll < 0.15) {
        const [t, bits] = pick(BITFIELD_TYPES);
        fields.push(`${t} f${f} : ${1 + Math.floor(r() * bits)};`);
        // unnamed bitfields: padding bits, and `: 0`, which closes the storage unit
        if (r() < 0.2) fields.push(`${t} : ${r() < 0.4 ? 0 : 1 + Math.floor(r() * bits)};`);
      } else if (roll < 0.3 && nestable.length > 0) {
        const inner = pick(nestable);
        fields.push(`${inner.startsWith('u') ? 'union' : 'struct'} ${inner} f${f}${r() < 0.3 ? `[${1 + Math.floor(r() * 3)}]` : ''};`);
      } else if (roll < 0.4) {
        fields.push(`${pick(SCALARS)} *f${f};`);
      } else if (roll < 0.55) {
        fields.push(`${pick(SCALARS)} f${f}[${1 + Math.floor(r() * 5)}]${r() < 0.3 ? `[${1 + Math.floor(r() * 3)}]` : ''};`);
      } else if (roll < 0.62) {
        fields.push(`${pick(['__u32', '__u64', 'char'])} f${f} __attribute__((aligned(${pick([4, 8, 16])})));`);
      } else if (roll < 0.7) {
        fields.push(`enum ${pick(enumNames)} f${f}${r() < 0.2 ? '[2]' : ''};`);
      } else if (roll < 0.75) {
        // an anonymous struct or union member: its fields belong to the outer record
        fields.push(`${r() < 0.5 ? 'union' : 'struct'} { ${pick(SCALARS)} f${f}a; ${pick(SCALARS)} f${f}b; };`);
      } else {
        fields.push(`${pick(SCALARS)} f${f};`);
      }
    }
    // a flexible array member ends some structs (never unions, never alone)
    const flexible = tag === 'struct' && r() < 0.08;
    if (flexible) fields.push(`${pick(['__u8', '__u32', '__u64'])} flex[];`);
    const attrs = r() < 0.15 ? ' __attribute__((packed))' : r() < 0.1 ? ` __attribute__((aligned(${pick([8, 16, 32])})))` : '';
    const id = tag === 'union' ? `u${i}` : name;
    lines.push(`${tag} ${id} { ${fields.join(' ')} }${attrs};`);
    lines.push(`${tag} ${id} v_${id};`);
    names.push(id);
    if (!flexible) nestable.push(id);
  }
  return { source: lines.join('\n') + '\n', names };
}
