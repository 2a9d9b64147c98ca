/** Merge sorted-or-not [start, end) ranges. */
export function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The gaps of `covered` inside [0, size). */
export function gaps(covered: [number, number][], size: number): [number, number][] {
  const out: [number, number][] = [];
  let pos = 0;
  for (const [a, b] of covered) {
    if (a > pos) out.push([pos, Math.min(a, size)]);
    pos = Math.max(pos, b);
  }
  if (pos < size) out.push([pos, size]);
  return out;
}

/** Ranges shifted by `by`. */
export function shift(ranges: [number, number][], by: number): [number, number][] {
  return ranges.map(([a, b]) => [a + by, b + by]);
}
