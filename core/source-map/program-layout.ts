import type { BpfFunction, BpfObject } from './bpf-object';

/** A run of the loaded program's instructions that comes from one function of the object. */
export interface LayoutSegment {
  fn: BpfFunction;
  /** First instruction index in the loaded program. */
  loadedStart: number;
}

const BPF_CALL = 0x85;
const BPF_LD_IMM64 = 0x18;
const BPF_PSEUDO_CALL = 1;
const BPF_PSEUDO_FUNC = 4;

/**
 * How libbpf lays out a program for loading (bpf_object__reloc_code): the entry function, then each subprogram the
 * first time a call (or a callback address) reaches it, appended at the end and walked at once, depth first.
 * The verifier's instruction indexes are indexes into this layout.
 */
export function programLayout(obj: BpfObject, entry: BpfFunction): LayoutSegment[] {
  const segments: LayoutSegment[] = [{ fn: entry, loadedStart: 0 }];
  let loadedLen = entry.insnCount;
  const appended = new Set<BpfFunction>([entry]);
  const walk = (fn: BpfFunction, depth: number) => {
    if (depth > 64) return; // a call graph deeper than libbpf would accept
    const code = obj.elf.data(fn.section);
    const relocs = new Map(obj.elf.relocations(fn.section).map((r) => [r.offset, r]));
    for (let k = 0; k < fn.insnCount; k++) {
      const at = (fn.start + k) * 8;
      if (at + 8 > code.length) break;
      const opcode = code[at];
      const src = code[at + 1] >> 4;
      const imm = code.readInt32LE(at + 4);
      const isCall = opcode === BPF_CALL && src === BPF_PSEUDO_CALL;
      const isFuncAddr = opcode === BPF_LD_IMM64 && src === BPF_PSEUDO_FUNC;
      if (!isCall && !isFuncAddr) continue;
      const rel = relocs.get(at);
      let section = fn.section;
      let target: number;
      if (rel) {
        const sym = obj.elf.symbols()[rel.symbol];
        if (!sym || sym.shndx >= obj.elf.sections.length) continue;
        section = obj.elf.sections[sym.shndx];
        target = sym.value / 8 + (isCall ? imm + 1 : imm / 8);
      } else {
        target = fn.start + k + imm + 1;
      }
      const callee = obj.functions.find((f) => f.section === section && f.start === target);
      if (!callee || appended.has(callee)) continue;
      appended.add(callee);
      segments.push({ fn: callee, loadedStart: loadedLen });
      loadedLen += callee.insnCount;
      walk(callee, depth + 1);
    }
  };
  walk(entry, 0);
  // libbpf 1.3+ then appends the exception callback the entry names (`__exception_cb(f)`: a BTF decl tag
  // `exception_callback:f` on the entry's FUNC), with its own callees. Older libbpf leaves it out and the kernel
  // refuses the program before any instruction, so the extra segment never names an instruction it did not load.
  const cb = exceptionCallback(obj, entry);
  if (cb && !appended.has(cb)) {
    appended.add(cb);
    segments.push({ fn: cb, loadedStart: loadedLen });
    loadedLen += cb.insnCount;
    walk(cb, 1);
  }
  return segments;
}

const EXCEPTION_TAG = 'exception_callback:';

/** The function named by the entry's `exception_callback:NAME` decl tag, if the object has it. */
export function exceptionCallback(obj: BpfObject, entry: BpfFunction): BpfFunction | null {
  const btf = obj.btf;
  if (!btf) return null;
  for (const t of btf.types) {
    if (t.kind !== 'DECL_TAG' || !t.name.startsWith(EXCEPTION_TAG) || (t.componentIdx ?? 0) !== -1) continue;
    const target = btf.type(t.sizeOrType);
    if (target?.kind !== 'FUNC' || target.name !== entry.name) continue;
    const name = t.name.slice(EXCEPTION_TAG.length);
    return obj.functions.find((f) => f.name === name && f.section.name === '.text') ?? obj.functions.find((f) => f.name === name) ?? null;
  }
  return null;
}

/** The function and section instruction of loaded instruction `insn`. */
export function locateInsn(segments: LayoutSegment[], insn: number): { fn: BpfFunction; sectionInsn: number } | null {
  for (const s of segments) {
    if (insn >= s.loadedStart && insn < s.loadedStart + s.fn.insnCount) return { fn: s.fn, sectionInsn: s.fn.start + insn - s.loadedStart };
  }
  return null;
}
