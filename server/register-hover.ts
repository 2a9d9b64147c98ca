/** A hover on a register of a verifier log: its parsed state at that instruction (core/verifier-log/state-at.ts). */
import type { Hover, Position } from 'vscode-languageserver-protocol';
import { LineKind } from '../core/verifier-log/line-kind';
import type { LogIndex } from '../core/verifier-log/log-index';
import { stateAt } from '../core/verifier-log/state-at';
import type { FrameState, RegValue } from '../core/verifier-log/state-model';
import { parseState } from '../core/verifier-log/state-parse';

const REG = /\b([Rrw])(\d{1,2})(?=\b|_)/g;

/** The register named at `pos` of block line `line` (`R1`, `r1`, `w1`), with the word's columns. */
function registerAt(text: string, character: number): { reg: number; start: number; end: number } | null {
  for (const m of text.matchAll(REG)) {
    const reg = Number(m[2]);
    if (reg > 10 || character < m.index || character > m.index + m[0].length) continue;
    return { reg, start: m.index, end: m.index + m[0].length };
  }
  return null;
}

/**
 * The state a hover describes: on an instruction, before it runs for a register of the instruction itself, after
 * it for one of its `; R…` suffix (what it wrote); on a state line (`N: R1=…`, `from X to Y: …`, a frame block),
 * the state printed there.
 */
function stateFor(ix: LogIndex, line: number, text: string, character: number): { state: FrameState; when: string } | null {
  const kind = ix.kinds[line];
  if (kind === LineKind.Insn) {
    const suffix = text.indexOf(' ; ');
    const after = suffix !== -1 && character > suffix;
    const at = stateAt(ix, line, { after });
    return at ? { state: at.state, when: `${after ? 'after' : 'before'} insn ${at.insn}${at.frame ? ` (frame ${at.frame})` : ''}` } : null;
  }
  if (kind === LineKind.State || kind === LineKind.From || kind === LineKind.FrameState) {
    const colon = kind === LineKind.From ? text.indexOf(': ') : kind === LineKind.State ? text.indexOf(':') : -1;
    const body = colon === -1 ? text : text.slice(colon + 1);
    const label = kind === LineKind.From ? `on the branch ${text.slice(0, colon).trim()}` : kind === LineKind.State ? `before insn ${text.slice(0, colon)}` : 'in this frame';
    return { state: parseState(body), when: label };
  }
  return null;
}

function describe(v: RegValue): string[] {
  const lines = [`- type: \`${v.type}\`${v.precise ? ' (precise)' : ''}`];
  if (v.constant !== undefined) lines.push(`- value: ${v.constant}`);
  if (v.map) lines.push(`- map: ${v.map.name ?? '?'}${v.map.keySize !== undefined ? `, key ${v.map.keySize} bytes` : ''}${v.map.valueSize !== undefined ? `, value ${v.map.valueSize} bytes` : ''}`);
  if (v.off !== undefined) lines.push(`- offset: ${v.off}`);
  if (v.range !== undefined) lines.push(`- packet bytes checked: ${v.range}`);
  if (v.size !== undefined) lines.push(`- memory size: ${v.size}`);
  if (v.id !== undefined) lines.push(`- id: ${v.id}`);
  if (v.refObjId !== undefined) lines.push(`- reference: ${v.refObjId}`);
  const ranges = Object.entries(v.ranges);
  if (ranges.length) lines.push(`- bounds: ${ranges.map(([k, x]) => `${k}=${x}`).join(', ')}`);
  if (v.varOff) lines.push(`- var_off: value ${v.varOff.value}, mask ${v.varOff.mask}`);
  if (/_or_null$/.test(v.type)) lines.push('- may be NULL: only a NULL check on this path makes it usable');
  return lines;
}

/** The hover at `pos` (document coordinates) over a block of the log that starts at document line `offset`. */
export function registerHover(ix: LogIndex, offset: number, pos: Position): Hover | null {
  const line = pos.line - offset;
  if (line < ix.first || line >= ix.end) return null;
  const text = ix.text(line);
  const at = registerAt(text, pos.character);
  if (!at) return null;
  const found = stateFor(ix, line, text, pos.character);
  if (!found) return null;
  const name = `R${at.reg}`;
  const r = found.state.regs.get(at.reg);
  const body = r
    ? [`**${name}** ${found.when}: \`${r.value.raw}\``, '', ...describe(r.value)].join('\n')
    : `**${name}** ${found.when}: the log prints no state for it here (not written on this path, or not printed at this log level).`;
  return { contents: { kind: 'markdown', value: body }, range: { start: { line: pos.line, character: at.start }, end: { line: pos.line, character: at.end } } };
}
