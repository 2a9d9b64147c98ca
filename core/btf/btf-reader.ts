/** A reader for the .BTF section: every kind up to ENUM64, bounded against the section. */
export class BtfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BtfError';
  }
}

export const BTF_KINDS = ['UNKN', 'INT', 'PTR', 'ARRAY', 'STRUCT', 'UNION', 'ENUM', 'FWD', 'TYPEDEF', 'VOLATILE', 'CONST',
  'RESTRICT', 'FUNC', 'FUNC_PROTO', 'VAR', 'DATASEC', 'FLOAT', 'DECL_TAG', 'TYPE_TAG', 'ENUM64'] as const;
export type BtfKind = (typeof BTF_KINDS)[number];

export interface BtfMember {
  name: string;
  type: number;
  /** Bit offset from the start of the struct. */
  bitOffset: number;
  /** Non-zero for a bitfield. */
  bitSize: number;
}

export interface BtfType {
  id: number;
  kind: BtfKind;
  name: string;
  /** size for INT/STRUCT/UNION/ENUM/FLOAT/DATASEC; the referenced type for PTR/TYPEDEF/modifiers/FUNC/VAR. */
  sizeOrType: number;
  vlen: number;
  kindFlag: boolean;
  int?: { encoding: number; offset: number; bits: number };
  array?: { type: number; indexType: number; nelems: number };
  members?: BtfMember[];
  enumValues?: { name: string; value: bigint }[];
  params?: { name: string; type: number }[];
  varLinkage?: number;
  datasec?: { type: number; offset: number; size: number }[];
  componentIdx?: number;
}

const MAX_TYPES = 1 << 20;

export class Btf {
  readonly types: BtfType[] = [];
  /** Where each type's 12-byte header starts, in bytes from the start of the section (0 for void). */
  readonly typeOffsets: number[] = [0];
  private readonly strings: Buffer;

  constructor(data: Buffer) {
    if (data.length < 24) throw new BtfError('the .BTF section is shorter than its header');
    if (data.readUInt16LE(0) !== 0xeb9f) throw new BtfError('the .BTF section has a bad magic number');
    const hdrLen = data.readUInt32LE(4);
    const [typeOff, typeLen, strOff, strLen] = [8, 12, 16, 20].map((o) => data.readUInt32LE(o));
    const typeStart = hdrLen + typeOff;
    const strStart = hdrLen + strOff;
    if (hdrLen < 24 || typeStart + typeLen > data.length || strStart + strLen > data.length) throw new BtfError('the .BTF header points past the section (truncated?)');
    this.strings = data.subarray(strStart, strStart + strLen);
    this.types.push({ id: 0, kind: 'UNKN', name: 'void', sizeOrType: 0, vlen: 0, kindFlag: false });
    let p = typeStart;
    const end = typeStart + typeLen;
    const need = (n: number) => { if (p + n > end) throw new BtfError(`type ${this.types.length} runs past the type section`); };
    while (p < end) {
      if (this.types.length > MAX_TYPES) throw new BtfError('too many BTF types');
      need(12);
      this.typeOffsets.push(p);
      const info = data.readUInt32LE(p + 4);
      const kindNo = (info >>> 24) & 0x1f;
      if (kindNo === 0 || kindNo >= BTF_KINDS.length) throw new BtfError(`type ${this.types.length} has unknown kind ${kindNo}`);
      const t: BtfType = { id: this.types.length, kind: BTF_KINDS[kindNo], name: this.str(data.readUInt32LE(p)), sizeOrType: data.readUInt32LE(p + 8), vlen: info & 0xffff, kindFlag: (info >>> 31) === 1 };
      p += 12;
      switch (t.kind) {
        case 'INT': { need(4); const v = data.readUInt32LE(p); t.int = { encoding: (v >>> 24) & 0xf, offset: (v >>> 16) & 0xff, bits: v & 0xff }; p += 4; break; }
        case 'ARRAY': need(12); t.array = { type: data.readUInt32LE(p), indexType: data.readUInt32LE(p + 4), nelems: data.readUInt32LE(p + 8) }; p += 12; break;
        case 'STRUCT': case 'UNION':
          need(12 * t.vlen);
          t.members = [];
          for (let i = 0; i < t.vlen; i++, p += 12) {
            const off = data.readUInt32LE(p + 8);
            t.members.push({ name: this.str(data.readUInt32LE(p)), type: data.readUInt32LE(p + 4),
              bitOffset: t.kindFlag ? off & 0xffffff : off, bitSize: t.kindFlag ? off >>> 24 : 0 });
          }
          break;
        case 'ENUM':
          need(8 * t.vlen);
          t.enumValues = [];
          for (let i = 0; i < t.vlen; i++, p += 8) t.enumValues.push({ name: this.str(data.readUInt32LE(p)), value: BigInt(data.readInt32LE(p + 4)) });
          break;
        case 'ENUM64':
          need(12 * t.vlen);
          t.enumValues = [];
          for (let i = 0; i < t.vlen; i++, p += 12) t.enumValues.push({ name: this.str(data.readUInt32LE(p)), value: (BigInt(data.readUInt32LE(p + 8)) << 32n) | BigInt(data.readUInt32LE(p + 4)) });
          break;
        case 'FUNC_PROTO':
          need(8 * t.vlen);
          t.params = [];
          for (let i = 0; i < t.vlen; i++, p += 8) t.params.push({ name: this.str(data.readUInt32LE(p)), type: data.readUInt32LE(p + 4) });
          break;
        case 'VAR': need(4); t.varLinkage = data.readUInt32LE(p); p += 4; break;
        case 'DATASEC':
          need(12 * t.vlen);
          t.datasec = [];
          for (let i = 0; i < t.vlen; i++, p += 12) t.datasec.push({ type: data.readUInt32LE(p), offset: data.readUInt32LE(p + 4), size: data.readUInt32LE(p + 8) });
          break;
        case 'DECL_TAG': need(4); t.componentIdx = data.readInt32LE(p); p += 4; break;
        default: break; // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG carry nothing more
      }
      this.types.push(t);
    }
  }

  /** A string from the BTF string section (bounded). */
  str(off: number): string {
    if (off >= this.strings.length) return '';
    const end = this.strings.indexOf(0, off);
    return this.strings.toString('utf8', off, end < 0 ? this.strings.length : end);
  }

  type(id: number): BtfType | undefined {
    return this.types[id];
  }
}
