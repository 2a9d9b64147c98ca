/**
 * A bounded, defensive ELF64 little-endian reader: sections, the symbol table and REL relocations.
 * Every offset and size is checked against the file before it is read; a hostile file gets an ElfError, never
 * an out-of-range read or an allocation larger than the file.
 */
export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_REL = 9;
export const EM_BPF = 247;
export const STT_FUNC = 2;
export const STT_SECTION = 3;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  /** STT_* */
  type: number;
  /** STB_* */
  bind: number;
  shndx: number;
  value: number;
  size: number;
}

export interface ElfRelocation {
  offset: number;
  symbol: number;
  type: number;
}

function num(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`${what} is out of range (${v})`);
  return Number(v);
}

export class ElfFile {
  readonly machine: number;
  readonly sections: ElfSection[] = [];
  private symbolCache: ElfSymbol[] | undefined;

  constructor(readonly buf: Buffer) {
    if (buf.length < 64) throw new ElfError(`not an ELF file: ${buf.length} bytes is shorter than an ELF header`);
    if (buf.readUInt32BE(0) !== 0x7f454c46) throw new ElfError('not an ELF file (bad magic)');
    if (buf[4] !== 2) throw new ElfError('not a 64-bit ELF file; BPF objects are ELF64');
    if (buf[5] !== 1) throw new ElfError('not a little-endian ELF file; build with -target bpf (or bpfel)');
    this.machine = buf.readUInt16LE(18);
    const shoff = num(buf.readBigUInt64LE(40), 'section header offset');
    const shentsize = buf.readUInt16LE(58);
    const shnum = buf.readUInt16LE(60);
    const shstrndx = buf.readUInt16LE(62);
    if (shnum === 0) throw new ElfError('the ELF file has no sections');
    if (shentsize < 64) throw new ElfError(`section header size ${shentsize} is too small`);
    if (shoff + shnum * shentsize > buf.length) throw new ElfError('section headers run past the end of the file (truncated?)');
    for (let i = 0; i < shnum; i++) {
      const h = shoff + i * shentsize;
      const s: ElfSection = {
        index: i, name: '', type: buf.readUInt32LE(h + 4), flags: buf.readBigUInt64LE(h + 8),
        offset: num(buf.readBigUInt64LE(h + 24), 'section offset'), size: num(buf.readBigUInt64LE(h + 32), 'section size'),
        link: buf.readUInt32LE(h + 40), info: buf.readUInt32LE(h + 44), entsize: num(buf.readBigUInt64LE(h + 56), 'entry size'),
      };
      // SHT_NOBITS (.bss) occupies no file bytes
      if (s.type !== 8 && s.offset + s.size > buf.length) throw new ElfError(`section ${i} runs past the end of the file (truncated?)`);
      this.sections.push(s);
    }
    if (shstrndx >= shnum) throw new ElfError('the section-name table index is out of range');
    const names = this.sections[shstrndx];
    for (const s of this.sections) s.name = this.cstring(names, buf.readUInt32LE(shoff + s.index * shentsize));
  }

  /** A NUL-terminated string at `off` inside section `strtab` (bounded by the section). */
  cstring(strtab: ElfSection, off: number): string {
    if (strtab.type === 8 || off >= strtab.size) return '';
    const start = strtab.offset + off;
    const end = this.buf.indexOf(0, start);
    const stop = end < 0 || end > strtab.offset + strtab.size ? strtab.offset + strtab.size : end;
    return this.buf.toString('utf8', start, stop);
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  data(s: ElfSection): Buffer {
    return s.type === 8 ? Buffer.alloc(0) : this.buf.subarray(s.offset, s.offset + s.size);
  }

  symbols(): ElfSymbol[] {
    if (this.symbolCache) return this.symbolCache;
    const symtab = this.sections.find((s) => s.type === SHT_SYMTAB);
    const out: ElfSymbol[] = [];
    if (symtab) {
      if (symtab.link >= this.sections.length) throw new ElfError('the symbol table names a string table that does not exist');
      const strtab = this.sections[symtab.link];
      const ent = symtab.entsize || 24;
      if (ent < 24) throw new ElfError(`symbol entry size ${ent} is too small`);
      for (let o = symtab.offset; o + ent <= symtab.offset + symtab.size; o += ent) {
        const info = this.buf[o + 4];
        out.push({
          name: this.cstring(strtab, this.buf.readUInt32LE(o)), type: info & 0xf, bind: info >> 4,
          shndx: this.buf.readUInt16LE(o + 6), value: num(this.buf.readBigUInt64LE(o + 8), 'symbol value'),
          size: num(this.buf.readBigUInt64LE(o + 16), 'symbol size'),
        });
      }
    }
    this.symbolCache = out;
    return out;
  }

  /** REL relocations that apply to section `target`. */
  relocations(target: ElfSection): ElfRelocation[] {
    const out: ElfRelocation[] = [];
    for (const s of this.sections) {
      if (s.type !== SHT_REL || s.info !== target.index) continue;
      const ent = s.entsize || 16;
      if (ent < 16) throw new ElfError(`relocation entry size ${ent} is too small`);
      for (let o = s.offset; o + ent <= s.offset + s.size; o += ent) {
        const info = this.buf.readBigUInt64LE(o + 8);
        out.push({ offset: num(this.buf.readBigUInt64LE(o), 'relocation offset'), symbol: Number(info >> 32n), type: Number(info & 0xffffffffn) });
      }
    }
    return out;
  }
}
