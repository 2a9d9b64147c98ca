import type { FieldLayout } from '../layout/types';

/** A gap between top-level members (or after the last): `after` is the index of the member it follows. */
export interface MemberGap {
  after: number;
  offset: number;
  size: number;
}

/**
 * The padding a struct's own members leave, member by member. Holes inside nested records are theirs to fix and are
 * not listed. A bitfield occupies the bytes its bits touch: a byte array after it starts at the next whole byte.
 */
export function memberGaps(fields: FieldLayout[], size: number): MemberGap[] {
  const gaps: MemberGap[] = [];
  let end = 0;
  fields.forEach((f, i) => {
    const bits = f.bitSize !== undefined && f.bitOffset !== undefined;
    const start = bits ? Math.floor(f.bitOffset! / 8) : f.offset;
    if (start > end && i > 0) gaps.push({ after: i - 1, offset: end, size: start - end });
    end = Math.max(end, bits ? Math.ceil((f.bitOffset! + f.bitSize!) / 8) : f.offset + f.size);
  });
  if (size > end && fields.length > 0) gaps.push({ after: fields.length - 1, offset: end, size: size - end });
  return gaps;
}

/** `__pad0`, `__pad1`... skipping names the struct already has. */
export function padNames(taken: Iterable<string | null>, prefix: string): () => string {
  const used = new Set(taken);
  let n = 0;
  return () => {
    while (used.has(`${prefix}${n}`)) n++;
    return `${prefix}${n++}`;
  };
}

export const totalPadding = (holes: { size: number }[]) => holes.reduce((n, h) => n + h.size, 0);
