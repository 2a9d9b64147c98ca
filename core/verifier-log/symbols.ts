/** An injected `GO_SYM: main.process+0x28` line: the reject's place in the generating language's symbol. */
export interface SymbolRef {
  tag: string;
  symbol: string;
  byteOffset: number;
  /** One BPF instruction is 8 bytes. */
  insnOffset: number;
}

const SYM_RE = /^([A-Z][A-Z0-9_]*)_SYM: (\S+?)\+0x([0-9a-fA-F]+)\s*$/;

export function symbolLine(text: string): SymbolRef | null {
  const m = SYM_RE.exec(text);
  if (!m) return null;
  const byteOffset = parseInt(m[3], 16);
  return { tag: m[1], symbol: m[2], byteOffset, insnOffset: Math.floor(byteOffset / 8) };
}
