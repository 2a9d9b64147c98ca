/** Byte-level helpers: the log stays in a Buffer; only the few lines we report become strings. */

export const NL = 10;
export const CR = 13;
export const SPACE = 32;
export const COLON = 58;
export const LPAREN = 40;
export const RPAREN = 41;

export const isDigit = (c: number) => c >= 48 && c <= 57;
export const isUpper = (c: number) => c >= 65 && c <= 90;

/** Does `buf` hold the ASCII `lit` at `pos`? (`lit` is pre-encoded once by `ascii`.) */
export function at(buf: Uint8Array, pos: number, lit: Uint8Array): boolean {
  if (pos + lit.length > buf.length) return false;
  for (let i = 0; i < lit.length; i++) if (buf[pos + i] !== lit[i]) return false;
  return true;
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Parse the unsigned decimal at `pos`; returns [value, end]; end === pos when there is no digit. */
export function readUint(buf: Uint8Array, pos: number, end: number): [number, number] {
  let v = 0;
  let i = pos;
  while (i < end && isDigit(buf[i])) {
    v = v * 10 + (buf[i] - 48);
    i++;
  }
  return [v, i];
}
