import type { StructLayout } from './types';

/** A pahole-style listing: each member with offset and size, each hole where it is. */
export function formatLayout(s: StructLayout): string {
  const go = s.language === 'go';
  const lines = [go ? `type ${s.name} struct {  /* size ${s.size}, align ${s.align} */` : `${s.name} {  /* size ${s.size}, align ${s.align} */`];
  const holes = [...s.holes];
  // holes count every padding byte, a nested member's too: say which member one lies in, else it reads as the outer's
  const inside = (h: { offset: number }) => s.fields.find((f) => f.bitSize === undefined && h.offset >= f.offset && h.offset < f.offset + f.size);
  const hole = (h: { offset: number; size: number }) => {
    const member = inside(h);
    return member ? `    /* XXX ${h.size} byte${h.size === 1 ? '' : 's'} of padding inside ${member.name} at ${h.offset} */` : `    /* XXX ${h.size} byte hole at ${h.offset} */`;
  };
  for (const f of s.fields) {
    while (holes.length > 0 && holes[0].offset < f.offset && !holes[0].trailing) lines.push(hole(holes.shift()!));
    const bitfield = f.bitSize !== undefined && f.bitOffset !== undefined;
    const member = go ? `${f.name} ${f.type}` : `${cDeclaration(f.type, f.name)}${bitfield ? `:${f.bitSize}` : ''};`;
    // pahole's columns: offset (with the bit inside the storage unit, for a bitfield) and size
    const at = bitfield ? `${f.offset}:${f.bitOffset! - f.offset * 8}` : String(f.offset);
    lines.push(`    ${member.padEnd(40)} /* ${at.padStart(4)} ${String(f.size).padStart(4)} */`);
  }
  for (const h of holes) lines.push(h.trailing ? `    /* XXX ${h.size} bytes of trailing padding at ${h.offset} */` : hole(h));
  lines.push(go ? '}' : '};');
  const bin = s as StructLayout & { binarySize?: number | null; binarySizeReason?: string };
  if (bin.binarySize !== undefined) {
    lines.push(bin.binarySize === null ? `// encoding/binary: no fixed size (${bin.binarySizeReason})` : `// encoding/binary.Size: ${bin.binarySize} bytes${bin.binarySize !== s.size ? ` (memory: ${s.size}; the padding is dropped)` : ''}`);
  }
  return lines.join('\n');
}

/** A member as C declares it: `__u8 data[16]`, `struct sock *sk` (types arrive as `__u8[16]`, `struct sock *`). */
export function cDeclaration(type: string, name: string): string {
  const array = /^(.*?)((?:\[[^\]]*\])+)$/.exec(type);
  if (array) return `${cDeclaration(array[1], name)}${array[2]}`;
  return type.endsWith('*') ? `${type}${name}` : `${type} ${name}`;
}

/** `24 bytes, align 8, 9 bytes padding`: the one-line summary a code lens shows. */
export function layoutSummary(s: StructLayout): string {
  const padding = s.holes.reduce((n, h) => n + h.size, 0);
  return `${s.size} bytes, align ${s.align}, ${padding === 0 ? 'no padding' : `${padding} byte${padding === 1 ? '' : 's'} padding`}`;
}
