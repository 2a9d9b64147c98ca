/**
 * The verifier-log document's structure for the editor's outline and folding: branches, live-regs blocks and
 * subprograms of a block that core/verifier-log/log-blocks.ts split and indexed.
 */
import { bpfCallTarget, parseInsnLine } from '../core/verifier-log/insn-line';
import { LineKind } from '../core/verifier-log/line-kind';
import type { LogIndex } from '../core/verifier-log/log-index';

/** A `from X to Y:` branch: from its line to the last line explored on it (before the next branch). */
export interface Branch { line: number; end: number; text: string }

export function branchesOf(ix: LogIndex, limit: number): { branches: Branch[]; more: number } {
  const froms: number[] = [];
  for (let i = ix.first; i < ix.end; i++) if (ix.kinds[i] === LineKind.From) froms.push(i);
  const branches: Branch[] = [];
  for (let k = 0; k < froms.length && k < limit; k++) {
    let end = (k + 1 < froms.length ? froms[k + 1] : lastVerifierLine(ix) + 1) - 1;
    while (end > froms[k] && (ix.kinds[end] === LineKind.Empty || ix.kinds[end] === LineKind.Stats)) end--;
    branches.push({ line: froms[k], end, text: ix.text(froms[k]).replace(/:.*$/, '') });
  }
  return { branches, more: Math.max(0, froms.length - limit) };
}

/** The last line of the verifier's own output (before the stats and libbpf's END marker). */
function lastVerifierLine(ix: LogIndex): number {
  let i = ix.end - 1;
  while (i > ix.first && (ix.kinds[i] === LineKind.Stats || ix.kinds[i] === LineKind.Empty || ix.kinds[i] === LineKind.LibbpfEnd)) i--;
  return i;
}

/** The `Live regs before insn:` blocks (6.15+ level 2): the header and its rows. */
export function liveRegsBlocks(ix: LogIndex): [number, number][] {
  const out: [number, number][] = [];
  for (let i = ix.first; i < ix.end; i++) {
    if (ix.kinds[i] !== LineKind.LiveHeader) continue;
    let j = i;
    while (j + 1 < ix.end && ix.kinds[j + 1] === LineKind.LiveRow) j++;
    if (j > i) out.push([i, j]);
    i = j;
  }
  return out;
}

/** A subprogram: a `func#N @insn` header line, a `Validating f() func#N` line, or a bpf-to-bpf call's first entry. */
export interface Subprogram { line: number; name: string; detail: string }

export function subprogramsOf(ix: LogIndex): Subprogram[] {
  const out: Subprogram[] = [];
  const entered = new Set<number>();
  for (let i = ix.first; i < ix.end; i++) {
    const k = ix.kinds[i];
    if (k === LineKind.Func) {
      const m = /^func#(\d+) @(\d+)$/.exec(ix.text(i));
      if (m) out.push({ line: i, name: `func#${m[1]}`, detail: `from insn ${m[2]}` });
    } else if (k === LineKind.Validating) {
      const m = /^Validating (\S+)\(\) func#(\d+)/.exec(ix.text(i));
      if (m) out.push({ line: i, name: `${m[1]}()`, detail: `global function, func#${m[2]}` });
    } else if (k === LineKind.Insn && ix.kinds[i + 1] === LineKind.CallMarker) {
      const insn = parseInsnLine(ix.text(i));
      const target = insn ? bpfCallTarget(insn.insn, insn.text) : null;
      if (insn && target !== null && !entered.has(target)) {
        entered.add(target);
        out.push({ line: i, name: `subprogram at insn ${target}`, detail: `called from insn ${insn.insn}` });
      }
    }
  }
  return out;
}
