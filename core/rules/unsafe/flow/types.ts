import type { Node } from 'web-tree-sitter';
import { CLayoutEngine } from '../../../layout/c-layout';
import { canonicalScalar } from '../../../layout/c-primitives';
import type { CFileModel, CTypeRef } from '../../../source/c-model';
import { parseTypeText } from '../../../source/c-type-text';
import { TOP, type Value } from './state';

/** Network headers as the uapi defines them (linux/if_ether.h, ip.h, ipv6.h, tcp.h, udp.h): size and members. */
const PACKET_HEADERS: Record<string, { size: number; fields: Record<string, [number, number]> }> = {
  ethhdr: { size: 14, fields: { h_dest: [0, 6], h_source: [6, 6], h_proto: [12, 2] } },
  vlan_hdr: { size: 4, fields: { h_vlan_TCI: [0, 2], h_vlan_encapsulated_proto: [2, 2] } },
  iphdr: { size: 20, fields: { tos: [1, 1], tot_len: [2, 2], id: [4, 2], frag_off: [6, 2], ttl: [8, 1], protocol: [9, 1], check: [10, 2], saddr: [12, 4], daddr: [16, 4] } },
  ipv6hdr: { size: 40, fields: { payload_len: [4, 2], nexthdr: [6, 1], hop_limit: [7, 1], saddr: [8, 16], daddr: [24, 16] } },
  tcphdr: { size: 20, fields: { source: [0, 2], dest: [2, 2], seq: [4, 4], ack_seq: [8, 4], window: [14, 2], check: [16, 2], urg_ptr: [18, 2] } },
  udphdr: { size: 8, fields: { source: [0, 2], dest: [2, 2], len: [4, 2], check: [6, 2] } },
  icmphdr: { size: 8, fields: { type: [0, 1], code: [1, 1], checksum: [2, 2] } },
  icmp6hdr: { size: 8, fields: { icmp6_type: [0, 1], icmp6_code: [1, 1], icmp6_cksum: [2, 2] } },
};

const SCALAR_SIZES: Record<string, number> = {
  char: 1, __u8: 1, __s8: 1, u8: 1, s8: 1, uint8_t: 1, int8_t: 1, bool: 1, _Bool: 1,
  short: 2, __u16: 2, __s16: 2, u16: 2, s16: 2, uint16_t: 2, int16_t: 2, __be16: 2, __le16: 2,
  int: 4, __u32: 4, __s32: 4, u32: 4, s32: 4, uint32_t: 4, int32_t: 4, __be32: 4, __le32: 4, unsigned: 4, float: 4,
  long: 8, __u64: 8, __s64: 8, u64: 8, s64: 8, uint64_t: 8, int64_t: 8, __be64: 8, double: 8,
};

/** Type knowledge for the engine: sizes of declared locals, members of records, over the file's model. */
export class FlowTypes {
  private readonly engine: CLayoutEngine;

  constructor(private readonly model: CFileModel) {
    this.engine = new CLayoutEngine(model);
  }

  /** Size of a type written as text (`struct key`, `__u64`), or undefined when the file does not define it. */
  sizeOf(typeText: string): number | undefined {
    const bare = typeText.replace(/\b(const|volatile|unsigned|signed)\b/g, (m) => (m === 'unsigned' || m === 'signed' ? m : '')).trim();
    const rec = /^struct\s+(\w+)$/.exec(bare);
    if (rec && PACKET_HEADERS[rec[1]] && !this.engine.findRecord('struct', rec[1])) return PACKET_HEADERS[rec[1]].size;
    if (/\*\s*$/.test(bare)) return 8;
    return this.layoutSize(parseTypeText(bare));
  }

  layoutSize(t: CTypeRef): number | undefined {
    try {
      return this.engine.typeLayout(t).size;
    } catch {
      return SCALAR_SIZES[t.kind === 'named' ? t.name : ''];
    }
  }

  /** Byte ranges of a type that hold data (padding excluded), for a record; the whole type otherwise. */
  covered(typeText: string): [number, number][] | undefined {
    try {
      return this.engine.typeLayout(parseTypeText(typeText)).covered;
    } catch {
      return undefined;
    }
  }

  /** Offset and size of `member` in `struct tag`, from the file's records or the network headers above. */
  member(tag: string, member: string): { off: number; size: number; typeText: string } | undefined {
    const rec = this.engine.findRecord('struct', tag) ?? this.engine.findRecord('union', tag);
    if (rec) {
      try {
        const { fields } = this.engine.recordLayout(rec);
        const f = fields.find((x) => x.name === member);
        if (f && f.bitSize === undefined) return { off: f.offset, size: f.size, typeText: f.type };
      } catch {
        return undefined;
      }
      return undefined;
    }
    const h = PACKET_HEADERS[tag]?.fields[member];
    return h ? { off: h[0], size: h[1], typeText: '' } : undefined;
  }

  /** The length of an array member of a record (`__u64 slots[16]`), for index checks. */
  memberArray(tag: string, member: string): { length: number; elem: number } | undefined {
    const rec = this.engine.findRecord('struct', tag);
    const f = rec?.fields.find((x) => x.name === member);
    if (!f || f.type.kind !== 'array') return undefined;
    const length = f.type.length ?? this.model.constants.get(f.type.lengthText);
    const elem = this.layoutSize(f.type.of);
    return length && elem ? { length, elem } : undefined;
  }

  /** A constant the file defines (`#define N 16`, enumerators are not needed here). */
  constant(name: string): number | undefined {
    for (const m of [this.model, ...(this.model.headers ?? [])]) {
      const v = m.constants.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

/** `struct ethhdr *` -> `ethhdr`; undefined unless a pointer to a named struct. */
export function pointeeStruct(typeText: string): string | undefined {
  return /^\s*(?:const\s+)?struct\s+(\w+)\s*\*\s*$/.exec(typeText)?.[1];
}

/** The type a declaration gives its declarator, as text: `struct key`, `__u64 *`, and array dimensions apart. */
export function declaredType(typeNode: Node, declarator: Node, source: string): { text: string; dims: string[]; name: string } | undefined {
  let text = source.slice(typeNode.startIndex, typeNode.endIndex);
  const dims: string[] = [];
  let d: Node | null = declarator;
  while (d) {
    if (d.type === 'identifier') return { text, dims, name: d.text };
    if (d.type === 'pointer_declarator') text += ' *';
    else if (d.type === 'array_declarator') dims.push(d.childForFieldName('size')?.text ?? '');
    else if (d.type !== 'init_declarator' && d.type !== 'parenthesized_declarator' && d.type !== 'attributed_declarator') return undefined;
    d = d.childForFieldName('declarator') ?? d.namedChild(0);
  }
  return undefined;
}

/**
 * Integer types by width and signedness, in canonicalScalar's spelling (plain char, bool and enums are left out:
 * their values are not wrapped).
 */
const INT_TYPES: Record<string, [bits: number, signed: boolean]> = {
  __u8: [8, false], u8: [8, false], uint8_t: [8, false], 'unsigned char': [8, false],
  __s8: [8, true], s8: [8, true], int8_t: [8, true], 'signed char': [8, true],
  __u16: [16, false], u16: [16, false], uint16_t: [16, false], __be16: [16, false], __le16: [16, false], 'unsigned short': [16, false],
  __s16: [16, true], s16: [16, true], int16_t: [16, true], short: [16, true],
  __u32: [32, false], u32: [32, false], uint32_t: [32, false], __be32: [32, false], __le32: [32, false], 'unsigned int': [32, false],
  __s32: [32, true], s32: [32, true], int32_t: [32, true], int: [32, true],
  __u64: [64, false], u64: [64, false], uint64_t: [64, false], __be64: [64, false], 'unsigned long': [64, false], 'unsigned long long': [64, false],
  __s64: [64, true], s64: [64, true], int64_t: [64, true], long: [64, true], 'long long': [64, true],
};

/**
 * A known constant stored into a variable of a known integer type, wrapped to that type as C converts it
 * (`__u8 c = 255; c++;` holds 0, `__u32 w = 0; w -= 1;` holds 0xffffffff), so a branch on it goes where the
 * verifier's does. Ranges are kept as they are; a wrapped value past 2^53 is unknown.
 */
export function fitToType(v: Value, typeText: string): Value {
  if (v.k !== 'int' || v.lo !== v.hi || !Number.isSafeInteger(v.lo)) return v;
  // the layout engine's spelling: `long unsigned int` and `unsigned` are `unsigned long` and `unsigned int`
  const w = INT_TYPES[canonicalScalar(typeText.replace(/\b(?:const|volatile)\b/g, ' ').trim().split(/\s+/))];
  if (!w) return v;
  const x = Number(w[1] ? BigInt.asIntN(w[0], BigInt(v.lo)) : BigInt.asUintN(w[0], BigInt(v.lo)));
  return Number.isSafeInteger(x) ? { k: 'int', lo: x, hi: x } : TOP;
}
