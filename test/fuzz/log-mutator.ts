import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { analyzeLog } from '../../core/verifier-log/parse';
import { stateAt } from '../../core/verifier-log/state-at';
import { KERNEL_MATRIX } from '../support/paths';

/** mulberry32: a small seeded PRNG, so a failing input can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real logs to mutate: every kernel-matrix file (levels 1 and 2, kernels 5.10 to 7.3). */
export function corpus(): Buffer[] {
  const out: Buffer[] = [];
  for (const level of ['level1', 'level2']) {
    for (const f of readdirSync(path.join(KERNEL_MATRIX, level))) out.push(readFileSync(path.join(KERNEL_MATRIX, level, f)));
  }
  return out;
}

const NASTY = ['R1=', 'fp-', '(((((((((', ')))))', '; @ x.c:', 'from 99999999999999999999 to 1:', '4294967296: (95) exit',
  '-- END PROG LOAD LOG --', "libbpf: prog 'x': -- BEGIN PROG LOAD LOG --", 'GO_SYM: +0x', 'Verification failed:', '\0', '\r', '\xff\xfe',
  'R0=scalar(smin=-9223372036854775808,umax=0xffffffffffffffffff,var_off=(0x; ))', 'caller:\n callee:\n frame9: R1=', 'func#1 @-1'];

export function mutate(base: Buffer, r: () => number, other: Buffer): Buffer {
  const pick = (n: number) => Math.floor(r() * n);
  let buf = Buffer.from(base);
  const rounds = 1 + pick(4);
  for (let k = 0; k < rounds; k++) {
    switch (pick(8)) {
      case 0: buf = buf.subarray(pick(buf.length + 1)); break; // head lost (rotated log)
      case 1: buf = buf.subarray(0, pick(buf.length + 1)); break; // tail lost
      case 2: for (let i = 0; i < 1 + pick(16) && buf.length > 0; i++) buf[pick(buf.length)] ^= 1 << pick(8); break;
      case 3: { // splice a run of lines from another log
        const at = pick(buf.length + 1);
        const from = pick(other.length + 1);
        buf = Buffer.concat([buf.subarray(0, at), other.subarray(from, from + pick(2000)), buf.subarray(at)]);
        break;
      }
      case 4: { // duplicate a region (repeated lines, repeated markers)
        const a = pick(buf.length + 1);
        const b = Math.min(buf.length, a + pick(500));
        buf = Buffer.concat([buf.subarray(0, b), buf.subarray(a, b), buf.subarray(b)]);
        break;
      }
      case 5: { // delete a region
        const a = pick(buf.length + 1);
        buf = Buffer.concat([buf.subarray(0, a), buf.subarray(Math.min(buf.length, a + pick(300)))]);
        break;
      }
      case 6: { // insert something nasty
        const at = pick(buf.length + 1);
        buf = Buffer.concat([buf.subarray(0, at), Buffer.from(NASTY[pick(NASTY.length)], 'latin1'), buf.subarray(at)]);
        break;
      }
      default: { // random bytes
        const junk = Buffer.alloc(pick(64));
        for (let i = 0; i < junk.length; i++) junk[i] = pick(256);
        const at = pick(buf.length + 1);
        buf = Buffer.concat([buf.subarray(0, at), junk, buf.subarray(at)]);
      }
    }
  }
  return buf;
}

/** Everything a user of the engine can ask of one log; throws if the engine does. Returns elapsed ms. */
export function exercise(buf: Buffer, r: () => number): number {
  const t0 = performance.now();
  const { index, summary } = analyzeLog(buf);
  JSON.stringify(summary);
  if (summary.insnLogLine !== null) stateAt(index, summary.insnLogLine);
  for (let k = 0; k < 3 && index.insnLines.length > 0; k++) stateAt(index, index.insnLines[Math.floor(r() * index.insnLines.length)], { after: true });
  return performance.now() - t0;
}
