/** The verifier's register and stack state, normalised across kernel versions (5.10 `inv`/`_value` to 6.18+). */

export type RangeKey = 'smin' | 'smax' | 'umin' | 'umax' | 'smin32' | 'smax32' | 'umin32' | 'umax32';

export interface RegValue {
  /** `scalar`, `ctx`, `map_value_or_null`, `pkt`, `fp`, `ptr_task_struct`, ... (5.10's `inv` becomes `scalar`). */
  type: string;
  /** Marked precise (`P`) by precision backtracking. */
  precise: boolean;
  /** A known constant, as a decimal string (64-bit values do not fit a JS number). */
  constant?: string;
  id?: number;
  refObjId?: number;
  /** Fixed offset (`off=`), or for `fp-8` the frame-pointer offset. */
  off?: number;
  /** Packet range `r=`. */
  range?: number;
  /** Memory size `sz=`. */
  size?: number;
  /** For `fp[N]-off`: the frame the pointer points into. */
  frameNo?: number;
  map?: { name?: string; keySize?: number; valueSize?: number };
  ranges: Partial<Record<RangeKey, string>>;
  varOff?: { value: string; mask: string };
  /** Every key=value inside the parentheses, as printed. */
  fields: Record<string, string>;
  raw: string;
}

export interface RegisterState {
  reg: number;
  /** `_w`, `_r`, `_D` liveness marks (kernels up to 6.17). */
  liveness?: string;
  value: RegValue;
}

export interface StackSlot {
  /** Negative frame-pointer offset of the slot, e.g. -8. */
  offset: number;
  liveness?: string;
  /** The per-byte slot types, `?rm0di` (byte fp(off+7-i) is char i); absent for a whole spill. */
  slotTypes?: string;
  /** A spilled register (or iterator/dynptr state) in the slot. */
  spilled?: RegValue;
  raw: string;
}

export interface FrameState {
  frame: number;
  regs: Map<number, RegisterState>;
  stack: Map<number, StackSlot>;
  refs: number[];
  /** Bare words such as `cb` and `async_cb`. */
  flags: string[];
}

export function emptyFrame(frame: number): FrameState {
  return { frame, regs: new Map(), stack: new Map(), refs: [], flags: [] };
}
