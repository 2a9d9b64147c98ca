import { Btf, BtfError } from '../btf/btf-reader';
import { readBtfExt, type BtfExt } from '../btf/btf-ext-reader';
import { EM_BPF, ElfError, ElfFile, STT_FUNC, type ElfSection } from '../elf/elf-reader';

/** A function in the object: a program (entry point in its own section) or a subprogram (in .text). */
export interface BpfFunction {
  name: string;
  section: ElfSection;
  /** First instruction within the section. */
  start: number;
  insnCount: number;
}

export interface BpfObject {
  elf: ElfFile;
  btf: Btf | null;
  ext: BtfExt | null;
  /** Why .BTF/.BTF.ext could not be read, when they could not. */
  btfProblem: string | null;
  programs: BpfFunction[];
  functions: BpfFunction[];
}

const SHF_EXECINSTR = 4n;

/** Read an eBPF object: its functions, BTF and BTF.ext. Throws ElfError for a file that is not a BPF ELF. */
export function readBpfObject(buf: Buffer): BpfObject {
  const elf = new ElfFile(buf);
  if (elf.machine !== EM_BPF) throw new ElfError(`not a BPF object: ELF machine ${elf.machine}, expected ${EM_BPF} (EM_BPF); build with clang -target bpf`);
  const functions: BpfFunction[] = [];
  for (const sym of elf.symbols()) {
    if (sym.type !== STT_FUNC || sym.shndx === 0 || sym.shndx >= elf.sections.length) continue;
    const section = elf.sections[sym.shndx];
    if ((section.flags & SHF_EXECINSTR) === 0n) continue;
    const start = sym.value / 8;
    const insnCount = Math.min(sym.size, section.size - sym.value) / 8;
    if (!Number.isInteger(start) || insnCount < 0) continue;
    functions.push({ name: sym.name, section, start, insnCount: Math.floor(insnCount) });
  }
  let btf: Btf | null = null;
  let ext: BtfExt | null = null;
  let btfProblem: string | null = null;
  try {
    const btfSec = elf.section('.BTF');
    if (btfSec) btf = new Btf(elf.data(btfSec));
    const extSec = elf.section('.BTF.ext');
    if (btf && extSec) ext = readBtfExt(elf.data(extSec), btf);
    if (!btfSec) btfProblem = 'the object has no .BTF section (build with clang -g)';
    else if (!extSec) btfProblem = 'the object has no .BTF.ext section (build with clang -g)';
  } catch (e) {
    if (!(e instanceof BtfError)) throw e;
    btfProblem = e.message;
  }
  return { elf, btf, ext, btfProblem, functions, programs: functions.filter((f) => f.section.name !== '.text') };
}
