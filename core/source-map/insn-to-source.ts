import type { LineInfo } from '../btf/btf-ext-reader';
import type { BpfObject } from './bpf-object';
import { locateInsn, programLayout, type LayoutSegment } from './program-layout';

export interface ExactLocation {
  file: string;
  line: number;
  column: number;
  /** The line's text as clang recorded it. */
  text: string;
  /** The function the instruction belongs to. */
  function: string;
  /** line_info gave line 0 (compiler-made code): this is the nearest earlier line of the same function. */
  approximate: boolean;
}

/** Last record with insn <= `insn` in a sorted list (binary search). */
function recordAt(list: LineInfo[], insn: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].insn <= insn) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Maps the verifier's instruction indexes of one program to file:line:column through BTF.ext line_info. */
export class ProgramSourceMap {
  readonly segments: LayoutSegment[];

  constructor(private readonly obj: BpfObject, readonly program: string) {
    const entry = obj.programs.find((p) => p.name === program);
    if (!entry) throw new Error(`the object has no program named '${program}'`);
    this.segments = programLayout(obj, entry);
  }

  location(insn: number): ExactLocation | null {
    const at = locateInsn(this.segments, insn);
    const list = at && this.obj.ext?.lineInfo.get(at.fn.section.name);
    if (!at || !list) return null;
    let i = recordAt(list, at.sectionInsn);
    if (i < 0 || list[i].insn < at.fn.start) return null;
    let approximate = false;
    while (i >= 0 && list[i].line === 0 && list[i].insn >= at.fn.start) {
      i--;
      approximate = true;
    }
    if (i < 0 || list[i].insn < at.fn.start) return null;
    const r = list[i];
    return { file: r.file, line: r.line, column: r.column, text: r.text.trim(), function: at.fn.name, approximate };
  }

  /**
   * The line of a function of this program (its first line_info record, where func_info starts it), for a reject
   * the verifier raised before checking any instruction: always approximate. `name` null: the program itself.
   */
  functionLocation(name: string | null): ExactLocation | null {
    const seg = name === null ? this.segments[0] : this.segments.find((s) => s.fn.name === name)
      ?? this.obj.functions.filter((f) => f.name === name).map((fn) => ({ fn }))[0];
    const list = seg && this.obj.ext?.lineInfo.get(seg.fn.section.name);
    if (!seg || !list) return null;
    const r = list.find((l) => l.insn >= seg.fn.start && l.insn < seg.fn.start + seg.fn.insnCount && l.line > 0);
    return r ? { file: r.file, line: r.line, column: r.column, text: r.text.trim(), function: seg.fn.name, approximate: true } : null;
  }
}
