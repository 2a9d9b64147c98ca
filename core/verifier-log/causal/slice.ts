import { parseInsnLine } from '../insn-line';
import { LineKind } from '../line-kind';
import type { LogIndex } from '../log-index';
import { opcodeAt, walkPathBack } from '../path';
import type { RegValue } from '../state-model';
import { stateAt } from '../state-at';
import { parseState } from '../state-parse';
import { aluOperator, insnEffect, type InsnEffect } from './insn-effect';
import { aluFacts } from './alu-facts';
import { describeValue } from './describe';
import { isCondJump, touchesWanted, wantedMask } from './insn-scan';
import { packetBytesNeeded, type FailingTarget } from './target';

export type CausalRole = 'origin' | 'transform' | 'branch' | 'call' | 'acquire' | 'exit';

/** One step of the slice, before it is given a source location. */
export interface RawStep {
  insn: number;
  logLine: number;
  role: CausalRole;
  detail: string;
  /** A plain copy (`r1 = r7`): the first thing dropped when the path is too long. */
  move?: boolean;
  /** An ALU op's result: its upper bound (a scalar's, or a pointer's variable offset), when the state printed one. */
  max?: bigint;
  /** The op narrowed a scalar's range (`& 7`, `>> 4`, `% 5`): it made the bounds the failing value had. */
  narrowed?: boolean;
  /** A constant scale (`<<= 3` is 8, `*= 12`): the element size an index is multiplied by. */
  scale?: bigint;
  /** A value a subprogram returned, placed at the caller's call instruction once the walk reached it. */
  returned?: boolean;
  /** The function's argument number, for an origin that is an argument the function was entered with. */
  argument?: number;
}

export interface SliceOptions {
  /** Instructions walked back at most (the path of a loop can be millions long). */
  maxInsns?: number;
}

/** The state printed after the instruction at log line `line` (its `; R…` suffix), or the glued state of a level-1 rewind. */
function stateAfter(ix: LogIndex, line: number, nextInsn: number | null) {
  const p = parseInsnLine(ix.text(line));
  if (!p) return null;
  if (p.glued && p.glued.insn === nextInsn) return parseState(p.glued.state);
  if (p.state !== null) return parseState(p.state);
  // mark_precise lines came in between (level 2): the state follows as `N+1: R0=…`
  for (let i = line + 1; i < ix.end && i <= line + 64; i++) {
    const k = ix.kinds[i];
    if (k === LineKind.State) return parseState(ix.text(i).slice(ix.text(i).indexOf(':') + 1));
    if (k !== LineKind.Precision && k !== LineKind.Propagating && k !== LineKind.Source) break;
  }
  return null;
}

const regName = (r: number) => `R${r}`;

/**
 * Backward slice from the failing value along the verifier's path: the instructions that gave it the type or
 * range it had at the reject (moves, ALU ops, spills and fills, subprogram calls and returns), the branches that
 * refined it, and for a leak the acquire and the exit. Oldest step first.
 */
export function sliceBack(ix: LogIndex, rejectLine: number, messageLines: string[], target: FailingTarget, opts: SliceOptions = {}): { steps: RawStep[]; cut: boolean } {
  const maxInsns = opts.maxInsns ?? 5_000_000;
  const walk = walkPathBack(ix, rejectLine, { maxSources: 0 });
  const { insns, lines } = walk;
  const n = insns.length;
  const steps: RawStep[] = [];
  if (n === 0 || target.kind === 'none') return { steps, cut: false };
  const effectAt = (k: number): InsnEffect => insnEffect(parseInsnLine(ix.text(lines[k]))?.text ?? '');
  if (target.kind === 'leak') return { steps: leakSteps(ix, insns, lines, target, effectAt), cut: false };

  const wanted = new Set<string>();
  let depth = 0;
  const key = (r: number) => `${depth}:r${r}`;
  const slot = (off: number) => `${depth}:fp${off}`;
  if (target.kind === 'register') wanted.add(key(target.reg));
  else wanted.add(slot(target.off));
  const targetReg = target.kind === 'register' ? target.reg : -1;
  let targetId: number | undefined;
  let targetType: string | undefined;
  let knowTarget = false;
  const needed = packetBytesNeeded(messageLines);
  const seenInsn = new Set<number>();
  let branches = 0;
  // the message's type (`R0 invalid mem access 'map_value_or_null'`) is the origin's while only copies came between
  let transformed = false;
  const messageType: string | undefined = /'(\w+)'/.exec(messageLines.join('\n'))?.[1];
  if (targetReg >= 0) { // the failing value at the reject: its type and id link the checks made on its copies
    const at = stateAt(ix, rejectLine, { maxLines: 20_000 })?.state.regs.get(targetReg)?.value;
    targetId = at?.id;
    targetType = at?.type ?? messageType;
    knowTarget = at !== undefined;
  }
  const words = (v: RegValue | undefined) => (v ? ` = ${describeValue(v)}` : !transformed && messageType ? ` = ${messageType}` : '');
  let walked = 0;
  const push = (k: number, role: CausalRole, detail: string, move = false, facts: Partial<RawStep> = {}): RawStep | null => {
    if (seenInsn.has(insns[k])) return null; // a loop: the step nearest the reject speaks for the others
    seenInsn.add(insns[k]);
    const step: RawStep = { insn: insns[k], logLine: lines[k], role, detail, ...(move ? { move } : {}), ...facts };
    steps.push(step);
    return step;
  };
  // values returned by subprograms whose call the walk has not reached yet, innermost last
  const returns: { step: RawStep; depth: number }[] = [];
  const valueAfter = (k: number, reg: number): RegValue | undefined => stateAfter(ix, lines[k], k + 1 < n ? insns[k + 1] : null)?.regs.get(reg)?.value;

  // the value a register had before path step k: the nearest suffix naming it, else the state rebuilt there
  const valueBefore = (k: number, reg: number): RegValue | undefined => {
    for (let j = k - 1; j >= 0 && j >= k - 32; j--) {
      const v = valueAfter(j, reg);
      if (v) return v;
    }
    return stateAt(ix, lines[k], { maxLines: 20_000 })?.state.regs.get(reg)?.value;
  };

  let k = n - 2;
  let mask = -1;
  // a pending return keeps the walk going to the caller's call, even once the callee's origin is found (for a
  // while: a callback's exit has no `call pc+N` to return to)
  let idle = 0;
  for (; k >= 0 && (wanted.size > 0 || (returns.length > 0 && ++idle < 100_000)); k--) {
    if (++walked > maxInsns) return { steps: steps.reverse(), cut: true };
    // most of a long path (a loop) touches nothing wanted: skip it on its bytes, without making a string
    if (mask < 0) mask = wantedMask(wanted, depth);
    if (k < n - 65 && (!touchesWanted(ix, lines[k], mask) || (branches >= 2 && isCondJump(opcodeAt(ix.buf, ix.lineStart[lines[k]]))))) continue;
    mask = -1; // what is wanted may change below
    const e = effectAt(k);
    if (e.kind === 'exit') { // walking back into a subprogram's body: its R0 is what the caller got
      depth++;
      if (wanted.delete(`${depth - 1}:r0`)) {
        wanted.add(key(0));
        const v = valueAfter(k, 0) ?? valueBefore(k, 0);
        const step = push(k, 'call', `R0${v ? ` = ${describeValue(v)}` : ''}, returned by the subprogram here`, false, { returned: true });
        if (step) returns.push({ step, depth });
      }
      continue;
    }
    if (e.kind === 'call' && e.subprogram) { // back out of a callee to its call site: its R1-R5 are the arguments
      const ret = returns[returns.length - 1];
      if (ret && ret.depth === depth) { // the caller's line (`v = find(…)`) is where the returned value lands
        returns.pop();
        ret.step.insn = insns[k];
        ret.step.logLine = lines[k];
        ret.step.detail = ret.step.detail.replace(/ here$/, ' called here');
      }
      const carried: number[] = [];
      for (let r = 1; r <= 5; r++) if (wanted.delete(key(r))) carried.push(r);
      for (const w of [...wanted]) if (w.startsWith(`${depth}:`)) wanted.delete(w); // the callee's own values end here
      depth--;
      for (const r of carried) wanted.add(key(r));
      if (carried.length > 0) push(k, 'call', `${carried.map((r) => `R${r} (argument ${r})`).join(', ')} passed to the subprogram called here`);
      continue;
    }
    if (!knowTarget && targetReg >= 0 && depth === 0) { // the failing value's id, from the nearest suffix naming it
      const v = valueAfter(k, targetReg);
      if (v && wanted.has(`0:r${targetReg}`)) {
        knowTarget = true;
        targetId = v.id;
        targetType = v.type;
      }
    }
    switch (e.kind) {
      case 'move':
        if (wanted.delete(key(e.dst))) {
          wanted.add(key(e.src));
          push(k, 'transform', `${regName(e.dst)} = ${regName(e.src)} (a copy)`, true);
        }
        break;
      case 'const':
        if (wanted.delete(key(e.dst))) {
          const v = valueAfter(k, e.dst);
          push(k, 'origin', `${regName(e.dst)} = ${v ? describeValue(v) : !transformed && messageType ? messageType : e.text}`);
        }
        break;
      case 'alu':
        if (wanted.has(key(e.dst))) {
          transformed = true;
          if (e.src !== null && e.src !== 10) wanted.add(key(e.src));
          const v = valueAfter(k, e.dst);
          const operand = e.src !== null ? regName(e.src) : e.imm ?? '';
          push(k, 'transform', `${regName(e.dst)}${v ? ` = ${describeValue(v)}` : ''} after \`${aluOperator(e.op)}${operand ? ` ${operand}` : ''}\``, false,
            aluFacts(e, v, () => valueBefore(k, e.dst)));
        }
        break;
      case 'load':
        if (wanted.delete(key(e.dst))) {
          const v = valueAfter(k, e.dst);
          if (e.base === 10) {
            wanted.add(slot(e.off));
            push(k, 'transform', `${regName(e.dst)}${v ? ` = ${describeValue(v)}` : ''}, filled from the stack at fp${e.off}`);
          } else {
            const base = e.base === e.dst ? valueBefore(k, e.base) : stateAfter(ix, lines[k], null)?.regs.get(e.base)?.value ?? valueBefore(k, e.base);
            const from = base ? `${base.type}${e.off ? ` + ${e.off}` : ''}` : `R${e.base} + ${e.off}`;
            push(k, 'origin', `${regName(e.dst)}${v ? ` = ${describeValue(v)}` : ''}, read from ${from}`);
          }
        }
        break;
      case 'store':
        if (e.base === 10 && wanted.delete(slot(e.off))) {
          if (e.src !== null) {
            wanted.add(key(e.src));
            push(k, 'transform', `${regName(e.src)} spilled to the stack at fp${e.off}`);
          } else push(k, 'origin', `fp${e.off} = ${e.imm}`);
        }
        break;
      case 'branch': {
        if (branches >= 2 || depth !== 0) break;
        const after = stateAfter(ix, lines[k], k + 1 < n ? insns[k + 1] : null);
        const words: string[] = [];
        for (const r of e.regs) {
          const v = after?.regs.get(r)?.value;
          const direct = wanted.has(key(r));
          const packet = needed !== null && v?.type === 'pkt' && v.range !== undefined;
          const sameId = targetId !== undefined && targetId > 0 && v?.id === targetId && r !== targetReg;
          if (packet) words.push(`this check proves ${v!.range} byte${v!.range === 1 ? '' : 's'} of packet; the read needs ${needed}`);
          else if (direct && v) words.push(`on this path ${regName(r)} is ${describeValue(v)}`);
          else if (direct) words.push(`this branch tests ${regName(r)}`);
          else if (sameId) words.push(`this tests ${regName(r)}, a copy of ${regName(targetReg)} (id ${targetId})${v ? `: ${describeValue(v)} on this path` : ''}`);
          if (words.length > 0) break;
        }
        if (words.length === 0 && targetType?.endsWith('_or_null') && k === lastBranchBefore(n, effectAt)) {
          words.push(`the branch taken here does not test ${regName(targetReg)}: it is still ${targetType} on this path`);
        }
        if (words.length > 0) {
          branches++;
          push(k, 'branch', words.join('; '));
        }
        break;
      }
      case 'call':
        if (wanted.delete(key(0))) {
          const v = valueAfter(k, 0);
          const map = v?.map?.name ? `&${v.map.name}` : '';
          const role: CausalRole = v?.refObjId !== undefined ? 'acquire' : 'origin';
          push(k, role, `R0${words(v)}, from ${e.name}(${map})`);
        }
        for (let r = 1; r <= 5; r++) wanted.delete(key(r)); // clobbered by the call
        break;
      case 'other':
        if (e.dst !== null && wanted.delete(key(e.dst))) push(k, 'origin', `${regName(e.dst)} is set here`);
        break;
    }
  }
  // the path's start with arguments still wanted: they came in with the function (a global one is verified alone)
  if (k < 0) {
    const args = [...wanted].filter((w) => w.startsWith(`${depth}:r`)).map((w) => Number(w.slice(w.indexOf('r') + 1))).filter((r) => r >= 1 && r <= 5);
    const first = stateAt(ix, lines[0], { maxLines: 2_000 })?.state;
    if (args.length > 0) {
      seenInsn.delete(insns[0]);
      push(0, 'origin', args.map((r) => `R${r} is argument ${r} of the function${first?.regs.get(r) ? `: ${describeValue(first.regs.get(r)!.value)} on entry` : ''}`).join('; '),
        false, args.length === 1 ? { argument: args[0] } : {});
    }
  }
  return { steps: steps.reverse(), cut: false };
}

/** Position on the path of the last conditional branch before the reject (or -1). */
function lastBranchBefore(n: number, effectAt: (k: number) => InsnEffect): number {
  for (let k = n - 2; k >= 0 && k >= n - 64; k--) if (effectAt(k).kind === 'branch') return k;
  return -1;
}

/** A leak: where the reference was acquired, the last branch on the way out, and the exit that left it held. */
function leakSteps(ix: LogIndex, insns: Uint32Array, lines: Uint32Array, t: { refId: number; allocInsn: number | null }, effectAt: (k: number) => InsnEffect): RawStep[] {
  const n = insns.length;
  const out: RawStep[] = [];
  let acquire = -1;
  for (let k = n - 2; k >= 0; k--) {
    if (t.allocInsn !== null ? insns[k] === t.allocInsn : effectAt(k).kind === 'call' && stateAfter(ix, lines[k], null)?.regs.get(0)?.value.refObjId === t.refId) {
      acquire = k;
      break;
    }
  }
  if (acquire >= 0) {
    const e = effectAt(acquire);
    const v = stateAfter(ix, lines[acquire], null)?.regs.get(0)?.value;
    const name = e.kind === 'call' ? e.name : 'this call';
    out.push({ insn: insns[acquire], logLine: lines[acquire], role: 'acquire', detail: `reference ${t.refId} acquired: R0${v ? ` = ${describeValue(v)}` : ''}, from ${name}()` });
  }
  for (let k = n - 2; k > acquire; k--) {
    if (effectAt(k).kind !== 'branch') continue;
    const taken = insns[k + 1] !== insns[k] + 1;
    out.push({ insn: insns[k], logLine: lines[k], role: 'branch', detail: `the path to the exit ${taken ? 'jumps' : 'falls through'} here with reference ${t.refId} still held` });
    break;
  }
  out.push({ insn: insns[n - 1], logLine: lines[n - 1], role: 'exit', detail: `the program exits here without releasing reference ${t.refId}` });
  return out;
}
