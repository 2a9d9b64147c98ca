/**
 * Everything the loader helper checks in an object's bytes before libbpf sees them: the ELF structure, .BTF and
 * .BTF.ext (core/elf, core/btf validators), and the kernel memory its maps will take. Pure: the helper reads the
 * file once and hands the same bytes to this check and to libbpf.
 */
import { validateBtfExt } from '../btf/btf-ext-validate';
import { BtfError, type Btf } from '../btf/btf-reader';
import { validateBtf } from '../btf/btf-validate';
import { estimateMapMemory, isGlobalDataSection, type MapEstimate } from '../btf/map-memory';
import { validateBpfElf } from '../elf/elf-validate';
import { EM_BPF, ElfError, ElfFile } from '../elf/elf-reader';

export class ObjectRefusal extends Error {
  constructor(readonly code: 'not-an-object', message: string, readonly hint?: string) {
    super(message);
    this.name = 'ObjectRefusal';
  }
}

export interface CheckedObject { elf: ElfFile; btf: Btf | null; maps: MapEstimate[]; mapBytes: number }

const ELF_MACHINES: Record<number, string> = { 3: 'x86 (32-bit)', 62: 'x86-64', 183: 'arm64', 243: 'RISC-V', 40: 'ARM' };
const BUILD = 'Build it with `clang -g -O2 -target bpf -c prog.bpf.c -o prog.bpf.o`.';
const SHF_EXECINSTR = 4n;

export function checkObjectBytes(name: string, bytes: Buffer, cpus: number): CheckedObject {
  let elf: ElfFile;
  try {
    elf = new ElfFile(bytes);
  } catch (e) {
    throw new ObjectRefusal('not-an-object', `${name} is not a BPF object: ${(e as Error).message}.`, BUILD);
  }
  if (elf.machine !== EM_BPF) {
    throw new ObjectRefusal('not-an-object', `${name} is an ${ELF_MACHINES[elf.machine] ?? `ELF machine ${elf.machine}`} object, not a BPF one.`, BUILD);
  }
  try {
    validateBpfElf(elf);
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    throw new ObjectRefusal('not-an-object', `${name} is not a well-formed BPF object: ${e.message}. It was not handed to libbpf.`, `Rebuild the object. ${BUILD}`);
  }
  let btf: Btf | null = null;
  const btfSec = elf.section('.BTF');
  const extSec = elf.section('.BTF.ext');
  try {
    if (btfSec) btf = validateBtf(elf.data(btfSec));
    if (extSec) {
      if (!btf) throw new BtfError('.BTF.ext: the object has no .BTF section for it to refer to');
      const code = new Map(elf.sections.filter((s) => (s.flags & SHF_EXECINSTR) !== 0n).map((s) => [s.name, s.size]));
      validateBtfExt(elf.data(extSec), btf, elf.data(btfSec!).readUInt32LE(20), code);
    }
  } catch (e) {
    if (!(e instanceof BtfError)) throw e;
    throw new ObjectRefusal('not-an-object', `${name} has a corrupt .BTF section (${e.message}); libbpf cannot open it safely, so it was not handed to libbpf.`, `Rebuild the object. ${BUILD}`);
  }
  const data = elf.sections.filter((s) => isGlobalDataSection(s.name)).map((s) => ({ name: s.name, size: s.size }));
  const maps = estimateMapMemory(btf, data, cpus);
  return { elf, btf, maps, mapBytes: maps.reduce((a, m) => a + m.bytes, 0) };
}
