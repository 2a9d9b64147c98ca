import type { RegValue } from '../state-model';

/** `[0, 7]` from a scalar's unsigned (else signed) bounds; a constant is its number; null when nothing is known. */
export function scalarRange(v: RegValue): string | null {
  if (v.constant !== undefined) return v.constant;
  const r = v.ranges;
  const lo = r.umin ?? (r.smin !== undefined && !r.smin.startsWith('-') ? r.smin : undefined) ?? '0';
  const hi = r.umax ?? r.smax;
  if (hi === undefined) return v.varOff ? `[?, ?] (var_off ${v.varOff.value}; ${v.varOff.mask})` : 'unbounded';
  return `[${lo}, ${hi}]`;
}

/** A register's value in a few words: `map_value_or_null (map counts)`, `scalar in [0, 7]`, `pkt (1 byte proven)`. */
export function describeValue(v: RegValue): string {
  if (v.type === 'scalar') {
    const r = scalarRange(v);
    return v.constant !== undefined ? `the constant ${v.constant}` : r === 'unbounded' ? 'a scalar with no bounds' : `a scalar in ${r}`;
  }
  const parts: string[] = [v.type];
  const extra: string[] = [];
  if (v.map?.name) extra.push(`map ${v.map.name}`);
  if (v.type.startsWith('pkt') && v.type !== 'pkt_end' && v.range !== undefined) extra.push(`${v.range} byte${v.range === 1 ? '' : 's'} proven`);
  if (v.off) extra.push(`offset ${v.off}`);
  if (v.refObjId !== undefined) extra.push(`reference ${v.refObjId}`);
  if (v.size !== undefined) extra.push(`${v.size} bytes`);
  const varRange = v.ranges.umax ?? v.ranges.smax;
  if (v.type !== 'fp' && varRange !== undefined) extra.push(`variable offset up to ${varRange}`);
  if (v.type === 'fp' && v.off !== undefined) return `a stack pointer fp${v.off}`;
  if (extra.length > 0) parts.push(`(${extra.join(', ')})`);
  return parts.join(' ');
}

/**
 * The name a source line gives its result: `count` in `__u64 *count = bpf_map_lookup_elem(...)`, `e` in `e = …`.
 * Null for a store to a member (`s->packets += 1`, `s->v[i] = 0`): that names a field, not the value.
 */
export function assignedName(sourceText: string): string | null {
  if (/^\s*(?:asm|__asm__)\b/.test(sourceText)) return null; // `r1 = …` in an asm statement is a register, not a C name
  const m = /([A-Za-z_]\w*)(?:\s*\[[^\]]*\])?\s*(?:[-+*/&|^]|<<|>>)?=(?!=)/.exec(sourceText);
  if (!m) return null;
  return /(?:->|\.)\s*$/.test(sourceText.slice(0, m.index)) ? null : m[1];
}
