/**
 * Whole-object validation of a BPF ELF file before libbpf sees it. libbpf 1.1 trusts many fields of the ELF it
 * parses (symbol and section indices, relocation offsets, instruction pairs) and crashes on some crafted objects;
 * the loader helper runs with CAP_BPF/CAP_PERFMON/CAP_NET_ADMIN, so anything clang would not produce is refused
 * here with a message saying what is wrong, and only objects that pass reach libbpf.
 */
import { EM_BPF, ElfError, ElfFile, SHT_REL, SHT_STRTAB, SHT_SYMTAB, STT_FUNC, STT_SECTION, type ElfSection } from './elf-reader';

const ET_REL = 1;
const SHT_NULL = 0;
const SHT_PROGBITS = 1;
const SHT_NOTE = 7;
const SHT_NOBITS = 8;
const SHT_LLVM_ADDRSIG = 0x6fff4c03;
const ALLOWED_SECTION_TYPES = new Set([SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOTE, SHT_NOBITS, SHT_REL, SHT_LLVM_ADDRSIG]);
const SHF_EXECINSTR = 4n;
const SHN_ABS = 0xfff1;
const SHN_COMMON = 0xfff2;
/** R_BPF_NONE, R_BPF_64_64, R_BPF_64_ABS64, R_BPF_64_ABS32, R_BPF_64_NODYLD32, R_BPF_64_32 */
const RELOCATION_TYPES = new Set([0, 1, 2, 3, 4, 10]);
const R_BPF_64_64 = 1;
const R_BPF_64_ABS64 = 2;
const R_BPF_64_ABS32 = 3;
const R_BPF_64_32 = 10;
const OP_LD_IMM64 = 0x18;
const OP_CALL = 0x85;
const BPF_PSEUDO_CALL = 1;
/** libbpf handles relocations of code, of `.maps` (map-in-map) and of `.struct_ops*`; it skips the others. */
const relocatedData = (name: string) => name === '.maps' || name.startsWith('.struct_ops');

const fail = (what: string): never => { throw new ElfError(what); };

/** Refuse the object unless it is a relocatable EM_BPF ELF whose every index, offset and size is consistent. */
export function validateBpfElf(elf: ElfFile): void {
  const { buf } = elf;
  if (buf.readUInt16LE(16) !== ET_REL) fail(`ELF type ${buf.readUInt16LE(16)} is not a relocatable object (ET_REL), which clang -c produces`);
  if (elf.machine !== EM_BPF) fail(`ELF machine ${elf.machine} is not EM_BPF (${EM_BPF})`);
  if (buf[6] !== 1 || buf.readUInt32LE(20) !== 1) fail('the ELF version is not 1');
  if (buf.readUInt16LE(52) !== 64 || buf.readUInt16LE(58) !== 64) fail('the ELF header or section header size is not the ELF64 one (64 bytes)');
  const shnum = elf.sections.length;
  if (shnum >= 0xff00) fail(`${shnum} sections use the extended numbering, which BPF objects never need`);
  const shstrndx = buf.readUInt16LE(62);
  if (elf.sections[shstrndx].type !== SHT_STRTAB) fail('the section-name table is not a string table');
  checkSectionHeaders(elf);
  const symtabs = elf.sections.filter((s) => s.type === SHT_SYMTAB);
  if (symtabs.length !== 1) fail(symtabs.length === 0 ? 'the object has no symbol table' : 'the object has more than one symbol table');
  const symtab = symtabs[0];
  const nsyms = checkSymbols(elf, symtab);
  const relocated = new Map<number, Set<number>>(); // per code section, the byte offsets of relocated instructions
  for (const s of elf.sections) if (s.type === SHT_REL) checkRelocations(elf, s, symtab, nsyms, relocated);
  for (const s of elf.sections) if (isCode(s)) checkInstructions(elf, s, relocated.get(s.index) ?? new Set());
}

function isCode(s: ElfSection): boolean {
  return (s.flags & SHF_EXECINSTR) !== 0n;
}

function checkSectionHeaders(elf: ElfFile): void {
  const { buf, sections } = elf;
  const shoff = Number(buf.readBigUInt64LE(40));
  const s0 = sections[0];
  if (s0.type !== SHT_NULL || s0.size !== 0 || s0.offset !== 0 || s0.link !== 0) fail('section 0 is not the null section');
  const nameTable = sections[buf.readUInt16LE(62)];
  const extents: [number, number, string][] = [[0, 64, 'the ELF header'], [shoff, shoff + sections.length * 64, 'the section headers']];
  for (const s of sections.slice(1)) {
    const where = `section ${s.index} (${s.name || 'unnamed'})`;
    const nameOff = buf.readUInt32LE(shoff + s.index * 64);
    if (nameOff >= nameTable.size) fail(`${where} has a name outside the section-name table`);
    if (!ALLOWED_SECTION_TYPES.has(s.type)) fail(`${where} has section type ${s.type}, which a BPF object does not use`);
    const align = Number(buf.readBigUInt64LE(shoff + s.index * 64 + 48));
    if (align !== 0 && (align & (align - 1)) !== 0) fail(`${where} has an alignment of ${align}, not a power of two`);
    if (s.link >= sections.length) fail(`${where} links to section ${s.link}, which does not exist`);
    if (isCode(s) && (s.type !== SHT_PROGBITS || s.size % 8 !== 0)) fail(`${where} holds code but is not a whole number of 8-byte instructions`);
    if (s.type === SHT_STRTAB && (s.size === 0 || buf[s.offset] !== 0 || buf[s.offset + s.size - 1] !== 0)) fail(`${where} is a string table that does not start and end with NUL`);
    if (s.type !== SHT_NOBITS && s.size > 0) extents.push([s.offset, s.offset + s.size, where]);
  }
  extents.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < extents.length; i++) {
    if (extents[i][0] < extents[i - 1][1]) fail(`${extents[i][2]} overlaps ${extents[i - 1][2]}`);
  }
  if (shoff + sections.length * 64 > buf.length) fail('the section headers run past the end of the file');
}

/** Symbols must name strings, sections and ranges that exist; returns the symbol count. */
function checkSymbols(elf: ElfFile, symtab: ElfSection): number {
  const { buf, sections } = elf;
  if (symtab.entsize !== 24 || symtab.size % 24 !== 0) fail('the symbol table entries are not 24 bytes each');
  const strtab = sections[symtab.link];
  if (strtab.type !== SHT_STRTAB) fail('the symbol table does not link to a string table');
  const nsyms = symtab.size / 24;
  if (symtab.info > nsyms) fail('the symbol table\'s first global symbol is past its end');
  for (let i = 0; i < nsyms; i++) {
    const o = symtab.offset + i * 24;
    const where = `symbol ${i}`;
    if (buf.readUInt32LE(o) >= strtab.size) fail(`${where} has a name outside its string table`);
    const type = buf[o + 4] & 0xf;
    const bind = buf[o + 4] >> 4;
    if (type > 4) fail(`${where} has symbol type ${type}`);
    if (bind > 2) fail(`${where} has symbol binding ${bind}`);
    const shndx = buf.readUInt16LE(o + 6);
    const value = buf.readBigUInt64LE(o + 8);
    const size = buf.readBigUInt64LE(o + 16);
    if (i === 0) {
      if (shndx !== 0 || value !== 0n || size !== 0n || buf[o + 4] !== 0) fail('symbol 0 is not the null symbol');
      continue;
    }
    if (shndx === 0 || shndx === SHN_ABS || shndx === SHN_COMMON) {
      if (type === STT_FUNC && shndx !== 0) fail(`${where} is a function outside any section`);
      continue;
    }
    if (shndx >= sections.length) fail(`${where} names section ${shndx}, which does not exist`);
    const sec = sections[shndx];
    if (value > BigInt(sec.size) || value + size > BigInt(sec.size)) fail(`${where} runs past the end of section ${sec.name || shndx}`);
    if (type === STT_SECTION && value !== 0n) fail(`${where} is a section symbol with a non-zero value`);
    if (type === STT_FUNC) {
      if (!isCode(sec)) fail(`${where} is a function in section ${sec.name || shndx}, which holds no code`);
      if (value % 8n !== 0n || size % 8n !== 0n) fail(`${where} is a function that does not start and end on an instruction`);
    }
  }
  return nsyms;
}

function symbolAt(elf: ElfFile, symtab: ElfSection, index: number): { type: number; shndx: number; value: number } {
  const o = symtab.offset + index * 24;
  return { type: elf.buf[o + 4] & 0xf, shndx: elf.buf.readUInt16LE(o + 6), value: Number(elf.buf.readBigUInt64LE(o + 8)) };
}

function checkRelocations(elf: ElfFile, rel: ElfSection, symtab: ElfSection, nsyms: number, relocated: Map<number, Set<number>>): void {
  const { buf, sections } = elf;
  const where = `relocation section ${rel.name}`;
  if (rel.entsize !== 16 || rel.size % 16 !== 0) fail(`${where} entries are not 16 bytes each`);
  if (rel.link !== symtab.index) fail(`${where} does not use the symbol table`);
  if (rel.info === 0 || rel.info >= sections.length) fail(`${where} applies to section ${rel.info}, which does not exist`);
  const target = sections[rel.info];
  if (target.type !== SHT_PROGBITS) fail(`${where} applies to ${target.name || rel.info}, which is not a data or code section`);
  const code = isCode(target);
  const checked = code || relocatedData(target.name);
  for (let o = rel.offset; o < rel.offset + rel.size; o += 16) {
    const i = (o - rel.offset) / 16;
    const off = buf.readBigUInt64LE(o);
    const type = buf.readUInt32LE(o + 8);
    const symIndex = buf.readUInt32LE(o + 12);
    if (!RELOCATION_TYPES.has(type)) fail(`${where} entry ${i} has relocation type ${type}, which BPF does not define`);
    if (symIndex >= nsyms) fail(`${where} entry ${i} names symbol ${symIndex}, which does not exist`);
    if (off >= BigInt(target.size)) fail(`${where} entry ${i} points past the end of ${target.name}`);
    if (!checked) continue;
    const at = Number(off);
    const width = type === R_BPF_64_ABS32 ? 4 : code && type === R_BPF_64_64 ? 16 : 8;
    if (at + width > target.size) fail(`${where} entry ${i} points past the end of ${target.name}`);
    const sym = symbolAt(elf, symtab, symIndex);
    if (symIndex === 0 && type !== 0) fail(`${where} entry ${i} relocates against the null symbol`);
    if (!code) {
      if (type !== R_BPF_64_ABS64 && type !== R_BPF_64_ABS32 && type !== 0) fail(`${where} entry ${i} has a code relocation in a data section`);
      continue;
    }
    if (at % 8 !== 0) fail(`${where} entry ${i} does not point at an instruction`);
    if (!relocated.has(target.index)) relocated.set(target.index, new Set());
    relocated.get(target.index)!.add(at);
    const opcode = buf[target.offset + at];
    if (type === R_BPF_64_64 && opcode !== OP_LD_IMM64) fail(`${where} entry ${i} is a 64-bit load relocation on an instruction that is not ld_imm64`);
    if (type === R_BPF_64_32 && opcode !== OP_CALL) fail(`${where} entry ${i} is a call relocation on an instruction that is not a call`);
    if (sym.shndx !== 0 && sym.shndx < sections.length && isCode(sections[sym.shndx]) && opcode === OP_CALL) {
      const callee = sections[sym.shndx];
      const imm = buf.readInt32LE(target.offset + at + 4);
      const insn = sym.value / 8 + imm + 1;
      if (insn < 0 || insn >= callee.size / 8) fail(`${where} entry ${i} calls instruction ${insn} of ${callee.name}, which does not exist`);
    }
  }
}

/** ld_imm64 must have its second half; a bpf-to-bpf call without a relocation must land inside its section. */
function checkInstructions(elf: ElfFile, s: ElfSection, relocated: Set<number>): void {
  const { buf } = elf;
  const n = s.size / 8;
  for (let i = 0; i < n; i++) {
    const o = s.offset + i * 8;
    const opcode = buf[o];
    if (opcode === OP_LD_IMM64) {
      if (i + 1 >= n) fail(`section ${s.name}: the ld_imm64 at instruction ${i} has no second half`);
      const h = o + 8;
      if (buf[h] !== 0 || buf[h + 1] !== 0 || buf.readInt16LE(h + 2) !== 0) fail(`section ${s.name}: the ld_imm64 at instruction ${i} has a malformed second half`);
      i++;
    } else if (opcode === OP_CALL && (buf[o + 1] >> 4) === BPF_PSEUDO_CALL && !relocated.has(i * 8)) {
      const target = i + buf.readInt32LE(o + 4) + 1;
      if (target < 0 || target >= n) fail(`section ${s.name}: the call at instruction ${i} jumps to instruction ${target}, outside the section`);
    }
  }
}
