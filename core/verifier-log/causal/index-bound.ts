import type { CausalStep } from './causal-path';
import type { RawStep } from './slice';

type Step = CausalStep & Pick<RawStep, 'narrowed' | 'max' | 'scale'>;

/** A map value read past its end through a bounded index: the step that bounded it, and what would fit. */
export interface IndexBound<S = CausalStep> {
  /** The op that gave the index its range (`& 7`). */
  step: S;
  /** The index's upper bound after that op (7). */
  max: bigint;
  /** The largest index the access fits the value with (3). */
  maxIndex: bigint;
  /** `the map value has 4 slots of 8 bytes`. */
  words: string;
}

const MAP_ACCESS = /invalid access to map value, value_size=(\d+) off=(\d+) size=(\d+)/;

/**
 * From `invalid access to map value, value_size=32 off=56 size=8` and the path's steps: the index was bounded to
 * [0, 7] by a narrowing op, then scaled (`<< 3`: 8 bytes an element) into the pointer's variable offset (56). The
 * access starts at off - 56 (0), so an index up to (32 - 8 - 0) / 8 = 3 fits. Null unless the numbers agree: the
 * bound times the scale must be the pointer's offset, and the bound must be past what fits.
 */
export function indexBound<S extends Step>(steps: S[], messageLines: string[]): IndexBound<S> | null {
  const m = MAP_ACCESS.exec(messageLines.join('\n'));
  if (!m) return null;
  const [valueSize, off, size] = [BigInt(m[1]), BigInt(m[2]), BigInt(m[3])];
  let k = -1;
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i].narrowed) { k = i; break; }
  if (k < 0 || steps[k].max === undefined) return null;
  const max = steps[k].max!;
  let scale = 1n;
  let offset: bigint | undefined;
  for (const s of steps.slice(k + 1)) {
    if (s.scale !== undefined) scale *= s.scale;
    if (s.max !== undefined) offset = s.max;
  }
  if (offset === undefined || max * scale !== offset || offset > off) return null;
  const start = off - offset; // the fixed part of the access: the index's element 0
  const room = valueSize - start - size;
  if (room < 0n) return null;
  const maxIndex = room / scale;
  if (maxIndex >= max) return null;
  const words = scale === size && (valueSize - start) % scale === 0n
    ? `the map value has ${(valueSize - start) / scale} slots of ${scale} byte${scale === 1n ? '' : 's'}${start > 0n ? ` from offset ${start}` : ''}`
    : `the ${valueSize}-byte map value fits an index up to ${maxIndex}`;
  return { step: steps[k], max, maxIndex, words };
}
