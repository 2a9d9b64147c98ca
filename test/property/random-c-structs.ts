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

/** Multi-word arithmetic types in the orders and spellings C allows (issue 11: the layout the compiler sees). */
const SPELLINGS = ['short unsigned int', 'long long unsigned int', 'unsigned long long', 'signed short', 'long int', 'char signed',
  'int long', 'unsigned', 'long unsigned', 'int unsigned short', 'signed', 'long signed long int', 'char unsigned'];

/** The macros the preprocessor-line structs test: defined here, given with -D (PREDEFINED), or never defined. */
const MACRO_LINES = ['#define CFG_ON', '#define CFG_ONE 1', '#define CFG_ZERO 0', '#define CFG_LEVEL 3', '#ifndef CFG_DEFAULTED', '#define CFG_DEFAULTED 2', '#endif',
  '#ifdef CFG_CMDLINE', '#define CFG_FROM_CMDLINE (CFG_CMDLINE + 1)', '#else', '#define CFG_FROM_CMDLINE 0', '#endif'];
/** `-D` for clang and model.predefined: CFG_CMDLINE=4, and CFG_DEFAULTED overridden to 5. */
export const PREDEFINED: [string, string][] = [['CFG_CMDLINE', '4'], ['CFG_DEFAULTED', '5']];
const CONDITIONS = ['1', '0', 'defined(CFG_ON)', '!defined(CFG_ON)', 'defined CFG_NEVER', 'CFG_LEVEL > 2', 'CFG_LEVEL * 2 + CFG_ONE == 7',
  'CFG_ZERO || CFG_NEVER', 'CFG_DEFAULTED == 5', 'CFG_FROM_CMDLINE % 3 == 2', '(CFG_LEVEL << 1) >= 8', 'CFG_CMDLINE && !CFG_ZERO',
  '__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__', 'defined(__bpf__) && __SIZEOF_LONG__ == 8'];
const IFDEFS = ['#ifdef CFG_ON', '#ifndef CFG_ON', '#ifdef CFG_NEVER', '#ifndef CFG_NEVER', '#ifdef CFG_CMDLINE'];

/** Struct attributes written every way clang takes them: two specifiers in a row, one list, __x__ spellings. */
const COMBINED_ATTRIBUTES = [' __attribute__((packed)) __attribute__((aligned(8)))', ' __attribute__((__packed__, __aligned__(4)))',
  ' __attribute__((aligned(16))) __attribute__((packed))', ' __attribute__((__packed__))', ' __attribute__((packed, aligned(2)))'];

/** The kernel's attribute macros (include/linux/compiler_attributes.h), used after bodies and on members. */
const KERNEL_ATTRIBUTE_MACROS = ['#define __packed __attribute__((__packed__))', '#define __aligned(x) __attribute__((__aligned__(x)))'];

export interface RandomCOptions {
  /** `#if`/`#ifdef`/`#elif`/`#else` around members, over macros of the file, -D (PREDEFINED) and clang's predefines. */
  preprocessor?: boolean;
  /** Combined packed/aligned attributes and aligned members inside packed structs. */
  attributes?: boolean;
  /** Multi-word types in any order (SPELLINGS). */
  spellings?: boolean;
  /** Structs under `#pragma pack(push, N)` ... `#pragma pack(pop)` and `#pragma pack(N)` ... `#pragma pack()` (no bitfields there). */
  pragmaPack?: boolean;
}

/** C source with `count` random structs and unions (each may nest earlier ones), plus a variable of each so BTF keeps it. */
export function randomCStructs(count: number, seed: number, opts: RandomCOptions = {}): { source: string; names: string[] } {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const lines = ['typedef unsigned char __u8; typedef unsigned short __u16; typedef unsigned int __u32; typedef unsigned long long __u64;',
    'typedef signed char __s8; typedef short __s16; typedef int __s32; typedef long long __s64;', ...ENUMS, ...(opts.preprocessor ? MACRO_LINES : []),
    ...(opts.attributes ? KERNEL_ATTRIBUTE_MACROS : [])];
  const scalars = opts.spellings ? [...SCALARS, ...SPELLINGS, ...SPELLINGS] : SCALARS;
  /** Members under a random conditional: one group, #else, or an #elif chain, sometimes nested one deep. */
  const conditional = (member: () => string, depth = 0): string => {
    const open = r() < 0.3 ? pick(IFDEFS) : `#if ${pick(CONDITIONS)}`;
    const body = () => Array.from({ length: 1 + Math.floor(r() * 2) }, () => (depth === 0 && r() < 0.15 ? conditional(member, 1) : member())).join('\n');
    const parts = [open, body()];
    const shape = r();
    if (shape < 0.3 && open.startsWith('#if ')) parts.push(`#elif ${pick(CONDITIONS)}`, body(), '#else', body());
    else if (shape < 0.6) parts.push('#else', body());
    parts.push('#endif');
    return `\n${parts.join('\n')}\n`;
  };
  const enumNames = ENUMS.map((e) => /^enum (?:__attribute__\(\(\w+\)\) )?(\w+)/.exec(e)![1]);
  const names: string[] = [];
  const nestable: string[] = []; // structs ending in a flexible array are not nested in others
  let packLeft = 0; // structs left in the current #pragma pack region
  let packClose = '';
  for (let i = 0; i < count; i++) {
    if (opts.pragmaPack && packLeft === 0 && r() < 0.15) {
      const n = pick([1, 2, 4]);
      const push = r() < 0.6;
      lines.push(push ? `#pragma pack(push, ${n})` : `#pragma pack(${n})`);
      packClose = push ? '#pragma pack(pop)' : '#pragma pack()';
      packLeft = 1 + Math.floor(r() * 3);
    }
    const packed = packLeft > 0;
    const tag = r() < 0.15 ? 'union' : 'struct';
    const name = `t${i}`;
    const fields: string[] = [];
    const n = 1 + Math.floor(r() * 7);
    let serial = 0;
    for (let f = 0; f < n; f++) {
      // the first member stays unconditional: a flexible array member needs another member before it
      if (opts.preprocessor && f > 0 && r() < 0.35) {
        fields.push(conditional(() => `${pick(scalars)} f${f}_${serial++}${r() < 0.2 ? `[${1 + Math.floor(r() * 3)}]` : ''};`));
        continue;
      }
      const roll = r();
      if (roll < 0.15 && !packed) {
        const [t, bits] = pick(BITFIELD_TYPES);
        fields.push(`${t} f${f} : ${1 + Math.floor(r() * bits)};`);
        // unnamed bitfields: padding bits, and `: 0`, which closes the storage unit
        if (r() < 0.2) fields.push(`${t} : ${r() < 0.4 ? 0 : 1 + Math.floor(r() * bits)};`);
      } else if (roll < 0.3 && nestable.length > 0) {
        const inner = pick(nestable);
        fields.push(`${inner.startsWith('u') ? 'union' : 'struct'} ${inner} f${f}${r() < 0.3 ? `[${1 + Math.floor(r() * 3)}]` : ''};`);
      } else if (roll < 0.4) {
        fields.push(`${pick(scalars)} *f${f};`);
      } else if (roll < 0.55) {
        fields.push(`${pick(scalars)} f${f}[${1 + Math.floor(r() * 5)}]${r() < 0.3 ? `[${1 + Math.floor(r() * 3)}]` : ''};`);
      } else if (roll < 0.62) {
        fields.push(`${pick(['__u32', '__u64', 'char'])} f${f} __attribute__((aligned(${pick([4, 8, 16])})));`);
      } else if (roll < 0.7) {
        fields.push(`enum ${pick(enumNames)} f${f}${r() < 0.2 ? '[2]' : ''};`);
      } else if (roll < 0.75) {
        // an anonymous struct or union member: its fields belong to the outer record
        fields.push(`${r() < 0.5 ? 'union' : 'struct'} { ${pick(scalars)} f${f}a; ${pick(scalars)} f${f}b; };`);
      } else {
        fields.push(`${pick(scalars)} f${f};`);
      }
    }
    // a flexible array member ends some structs (never unions, never alone)
    const flexible = tag === 'struct' && r() < 0.08;
    if (flexible) fields.push(`${pick(['__u8', '__u32', '__u64'])} flex[];`);
    const attrs = opts.attributes && r() < 0.3 ? pick([...COMBINED_ATTRIBUTES, ' __packed', ` __aligned(${pick([4, 8, 16])})`])
      : r() < 0.15 ? ' __attribute__((packed))' : r() < 0.1 ? ` __attribute__((aligned(${pick([8, 16, 32])})))` : '';
    // aligned members inside packed structs keep (and lend the struct) their alignment
    if (opts.attributes && attrs.includes('packed') && r() < 0.5) {
      const aligned = r() < 0.5 ? `__attribute__((aligned(${pick([2, 4, 8])})))` : `__aligned(${pick([2, 4, 8])})`;
      fields.splice(Math.floor(r() * fields.length), 0, `__u32 fa${i} ${aligned};`);
    }
    const id = tag === 'union' ? `u${i}` : name;
    lines.push(`${tag} ${id} { ${fields.join(' ')} }${attrs};`);
    lines.push(`${tag} ${id} v_${id};`);
    names.push(id);
    if (!flexible) nestable.push(id);
    if (packLeft > 0 && --packLeft === 0) lines.push(packClose);
  }
  return { source: lines.join('\n') + '\n', names };
}
