import type { LogIndex } from '../log-index';

/** Registers wanted at `depth` as a bit mask (bit 10 when a stack slot is: stores and fills go through r10). */
export function wantedMask(wanted: Set<string>, depth: number): number {
  let mask = 0;
  const prefix = `${depth}:`;
  for (const w of wanted) {
    if (!w.startsWith(prefix)) continue;
    const rest = w.slice(prefix.length);
    mask |= rest.startsWith('fp') ? 1 << 10 : 1 << Number(rest.slice(1));
  }
  return mask;
}

/**
 * Could the instruction at log line `line` matter to the slice? Calls and exits always do (frames, R0); any other
 * instruction only when its text names a wanted register (`r6`, `w6`). Reads bytes up to the state suffix.
 */
export function touchesWanted(ix: LogIndex, line: number, mask: number): boolean {
  const { buf } = ix;
  let p = ix.lineStart[line];
  const end = ix.lineStart[line + 1];
  while (p < end && buf[p] !== 41 /* ) */) p++; // past `N: (xx`
  const op = (hexDigit(buf[p - 2]) << 4) | hexDigit(buf[p - 1]);
  if (op === 0x85 || op === 0x95) return true;
  for (p++; p < end; p++) {
    const c = buf[p];
    if (c === 59 /* ; */ || c === 10) return false;
    if ((c === 114 /* r */ || c === 119 /* w */) && buf[p + 1] >= 48 && buf[p + 1] <= 57 && !(buf[p - 1] >= 97 && buf[p - 1] <= 122)) {
      let r = buf[p + 1] - 48;
      if (buf[p + 2] >= 48 && buf[p + 2] <= 57) r = r * 10 + buf[p + 2] - 48;
      if (r < 31 && (mask & (1 << r)) !== 0) return true;
    }
  }
  return false;
}

/** A conditional jump (JMP or JMP32 class, not ja/call/exit): it changes no register, only refines them. */
export function isCondJump(op: number): boolean {
  const cls = op & 7;
  const code = op >> 4;
  return (cls === 5 || cls === 6) && code !== 0 && code !== 8 && code !== 9;
}

const hexDigit = (c: number) => (c <= 57 ? c - 48 : (c | 32) - 87);
