import type { LogIndex } from '../log-index';
import type { ProseBlock } from '../prose-block';
import type { CausalStep, SourceLookup } from './causal-path';
import type { CausalRole } from './slice';

const LOC_RE = /^\s*(\S+) @ ([^\s:]+):(\d+):(\d+)\s*$/;
const MARK_RE = /\^--\s*(?:(\w[\w ]*?):\s*)?(.*)$/;
const CONT_RE = /^\s*\|\s{2,}(\S.*)$/;
const INSN_RE = /^\s*>>>\s*(\d+)\s*\|\s*\((..)\)\s*(.*)$/;
const SOURCE_RE = /^\s*>>>\s*\d+\s*\|\s?(.*)$/;

/** The kernel's word for a step (`update`, `check`, `acquire`, `call`, …) as one of our roles. */
function roleOf(word: string, index: number): CausalRole {
  const w = word.toLowerCase();
  if (/acquire|alloc|reserve/.test(w)) return 'acquire';
  if (/check|branch|cond|refine/.test(w)) return 'branch';
  if (/call|return/.test(w)) return 'call';
  if (/exit|leak/.test(w)) return 'exit';
  return index === 0 ? 'origin' : 'transform';
}

/**
 * Kernels 7.3+ print their own causal path (`Causal path:` with a location, a source context whose `^--` line
 * says what changed, and an instruction context whose `>>>` line is the instruction). Keep the kernel's words.
 */
export function kernelCausalPath(_ix: LogIndex, prose: ProseBlock, locate: SourceLookup | null): CausalStep[] {
  const lines = prose.sections['Causal path'] ?? [];
  const steps: CausalStep[] = [];
  let cur: (CausalStep & { word: string }) | null = null;
  let inMark = false;
  const flush = () => {
    if (cur) {
      const { word, ...step } = cur;
      steps.push({ ...step, role: roleOf(word, steps.length) });
    }
  };
  for (const l of lines) {
    const loc = LOC_RE.exec(l);
    if (loc) {
      flush();
      cur = { insn: -1, file: loc[2], line: Number(loc[3]), column: Number(loc[4]), text: '', role: 'origin', detail: '', word: '' };
      inMark = false;
      continue;
    }
    if (!cur) continue;
    const mark = MARK_RE.exec(l);
    if (mark && l.includes('^--')) {
      cur.word = mark[1] ?? '';
      cur.detail = mark[2].trim();
      inMark = true;
      continue;
    }
    const cont = inMark ? CONT_RE.exec(l) : null;
    if (cont && !/^\d+\s*\|/.test(cont[1])) {
      cur.detail += ` ${cont[1].trim()}`;
      continue;
    }
    inMark = false;
    const insn = INSN_RE.exec(l);
    if (insn) {
      cur.insn = Number(insn[1]);
      continue;
    }
    const src = SOURCE_RE.exec(l);
    if (src && cur.text === '') cur.text = src[1].trim();
  }
  flush();
  for (const s of steps) {
    const exact = s.insn >= 0 && locate ? locate(s.insn) : null;
    if (exact) s.text = exact.text;
  }
  return steps;
}
