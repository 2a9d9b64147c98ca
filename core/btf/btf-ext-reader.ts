import { BtfError, type Btf } from './btf-reader';

export interface LineInfo {
  /** Instruction index within its section (BTF.ext stores bytes; one instruction is 8). */
  insn: number;
  file: string;
  line: number;
  column: number;
  /** The source text clang recorded for the line. */
  text: string;
}

export interface FuncInfo { insn: number; typeId: number }
export interface CoreRelo { insn: number; typeId: number; access: string; kind: number }

export interface BtfExt {
  funcInfo: Map<string, FuncInfo[]>;
  /** Per section name, sorted by instruction. */
  lineInfo: Map<string, LineInfo[]>;
  coreRelo: Map<string, CoreRelo[]>;
}

const MAX_RECORDS = 1 << 22;

/** Read .BTF.ext; names (sections, files, source lines) are strings of `btf`. */
export function readBtfExt(data: Buffer, btf: Btf): BtfExt {
  if (data.length < 24) throw new BtfError('the .BTF.ext section is shorter than its header');
  if (data.readUInt16LE(0) !== 0xeb9f) throw new BtfError('the .BTF.ext section has a bad magic number');
  const hdrLen = data.readUInt32LE(4);
  if (hdrLen < 24 || hdrLen > data.length) throw new BtfError('the .BTF.ext header length is out of range');
  const part = (off: number, len: number, what: string): Buffer => {
    const start = hdrLen + off;
    if (len === 0) return Buffer.alloc(0);
    if (start + len > data.length || len < 4) throw new BtfError(`.BTF.ext ${what} runs past the section (truncated?)`);
    return data.subarray(start, start + len);
  };
  const records = <T>(sec: Buffer, minSize: number, what: string, read: (b: Buffer, o: number) => T): Map<string, T[]> => {
    const out = new Map<string, T[]>();
    if (sec.length === 0) return out;
    const recSize = sec.readUInt32LE(0);
    if (recSize < minSize) throw new BtfError(`.BTF.ext ${what} record size ${recSize} is too small`);
    let p = 4;
    let total = 0;
    while (p + 8 <= sec.length) {
      const name = btf.str(sec.readUInt32LE(p));
      const n = sec.readUInt32LE(p + 4);
      p += 8;
      total += n;
      if (total > MAX_RECORDS || p + n * recSize > sec.length) throw new BtfError(`.BTF.ext ${what} for section ${name} runs past its part`);
      const list = out.get(name) ?? [];
      for (let i = 0; i < n; i++, p += recSize) list.push(read(sec, p));
      out.set(name, list);
    }
    return out;
  };
  const funcInfo = records(part(data.readUInt32LE(8), data.readUInt32LE(12), 'func_info'), 8, 'func_info',
    (b, o) => ({ insn: b.readUInt32LE(o) / 8, typeId: b.readUInt32LE(o + 4) }));
  const lineInfo = records(part(data.readUInt32LE(16), data.readUInt32LE(20), 'line_info'), 16, 'line_info', (b, o) => {
    const lc = b.readUInt32LE(o + 12);
    return { insn: b.readUInt32LE(o) / 8, file: btf.str(b.readUInt32LE(o + 4)), text: btf.str(b.readUInt32LE(o + 8)), line: lc >>> 10, column: lc & 0x3ff };
  });
  for (const list of lineInfo.values()) list.sort((a, b) => a.insn - b.insn);
  const coreRelo = hdrLen >= 32
    ? records(part(data.readUInt32LE(24), data.readUInt32LE(28), 'CO-RE relocations'), 16, 'core_relo',
      (b, o) => ({ insn: b.readUInt32LE(o) / 8, typeId: b.readUInt32LE(o + 4), access: btf.str(b.readUInt32LE(o + 8)), kind: b.readUInt32LE(o + 12) }))
    : new Map<string, CoreRelo[]>();
  return { funcInfo, lineInfo, coreRelo };
}
