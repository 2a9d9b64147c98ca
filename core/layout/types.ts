/** Struct layouts in the JSON shape of `ebpf-debugger layout --json`. */
export interface FieldLayout {
  name: string;
  type: string;
  offset: number;
  size: number;
  align: number;
  bitOffset?: number;
  bitSize?: number;
}

export interface Hole {
  offset: number;
  size: number;
  /** The hole is the padding after the last member. */
  trailing: boolean;
}

export interface StructLayout {
  name: string;
  language: 'c' | 'go';
  size: number;
  align: number;
  fields: FieldLayout[];
  /** Bytes no member covers, nested records' padding included. */
  holes: Hole[];
}

/** Layout of any type: size, alignment, and which of its bytes hold data (for padding analysis). */
export interface TypeLayout {
  size: number;
  align: number;
  /** Covered byte ranges [start, end), sorted and merged. */
  covered: [number, number][];
}

export type LayoutOutcome<T> = { ok: true; value: T } | { ok: false; reason: string };
