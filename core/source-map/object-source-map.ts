import { readFileSync } from 'node:fs';
import { ElfError } from '../elf/elf-reader';
import type { SymbolRef } from '../verifier-log/symbols';
import { readBpfObject, type BpfObject } from './bpf-object';
import { ProgramSourceMap, type ExactLocation } from './insn-to-source';

/** An object file's source map, or why there is none (not a BPF ELF, no BTF.ext): never throws on bad files. */
export function loadObjectSourceMap(objectPath: string): { obj: BpfObject | null; problem: string | null } {
  try {
    const obj = readBpfObject(readFileSync(objectPath));
    return { obj, problem: obj.ext ? null : obj.btfProblem ?? 'the object has no line_info' };
  } catch (e) {
    if (e instanceof ElfError || (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') {
      return { obj: null, problem: (e as Error).message };
    }
    throw e;
  }
}

export function programMap(obj: BpfObject | null, program: string): ProgramSourceMap | null {
  if (!obj?.ext || !obj.programs.some((p) => p.name === program)) return null;
  return new ProgramSourceMap(obj, program);
}

/** The last `keep` distinct source lines along the path, through line_info (oldest first). */
export function pathLines(map: ProgramSourceMap, path: number[], keep = 6): (ExactLocation & { insn: number })[] {
  const out: (ExactLocation & { insn: number })[] = [];
  for (let k = path.length - 1; k >= 0 && out.length < keep; k--) {
    const loc = map.location(path[k]);
    if (!loc || loc.approximate) continue;
    const last = out[out.length - 1];
    if (last && last.file === loc.file && last.line === loc.line) {
      last.insn = path[k];
      continue;
    }
    out.push({ ...loc, insn: path[k] });
  }
  return out.reverse();
}

/** The instruction of a reject: the summary's, or for a `<TAG>_SYM:` line, the symbol's offset into its function. */
export function symbolLocation(obj: BpfObject, sym: SymbolRef): ExactLocation | null {
  const fn = obj.functions.find((f) => f.name === sym.symbol);
  if (!fn || !obj.ext) return null;
  const list = obj.ext.lineInfo.get(fn.section.name) ?? [];
  const insn = fn.start + sym.insnOffset;
  let best = null;
  for (const r of list) if (r.insn <= insn && r.insn >= fn.start && r.line > 0) best = r;
  return best ? { file: best.file, line: best.line, column: best.column, text: best.text.trim(), function: fn.name, approximate: false } : null;
}

