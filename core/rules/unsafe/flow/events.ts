import type { Node } from 'web-tree-sitter';
import type { FlowFunction } from './functions';
import type { Origin, PtrFact } from './state';

/** What the engine saw on some path of a function; the rules turn these into findings. */
export type FlowEvent =
  /** A pointer that may be NULL on this path, dereferenced (or handed where non-NULL is required). */
  | { kind: 'null-deref'; fn: FlowFunction; node: Node; fact: PtrFact; how: 'deref' | 'arg' | 'callee'; callee?: { name: string; node: Node } }
  /** A packet access beyond the bytes proven against data_end. */
  | { kind: 'packet-access'; fn: FlowFunction; node: Node; off: number; size: number; range: number; base: Node; baseOff: number; pointee?: string }
  /** A reference still held when the function returns. */
  | { kind: 'leak'; fn: FlowFunction; exit: Node; fact: PtrFact }
  /** Stack bytes a helper reads, some of which may be unwritten. */
  | { kind: 'uninit-read'; fn: FlowFunction; call: Node; arg: Node; local: string; decl: Node; holes: [number, number][]; size: number; typeText: string; helper: string }
  /** A loop whose bound the verifier cannot know. */
  | { kind: 'unbounded-loop'; fn: FlowFunction; loop: Node; bound: Node; origin: Origin }
  /** An index or offset from a value with no bound, into an object of known length. */
  | { kind: 'variable-offset'; fn: FlowFunction; node: Node; index: Node; origin: Origin; length: number; into: 'stack' | 'map value' | 'packet' };

/** Summary of a static function for its callers: what it does with each pointer argument. */
export interface CalleeSummary {
  /** Dereferences of the argument before any NULL check, by parameter index. */
  derefs: Map<number, Node>;
  /** Parameter indexes the callee releases (or finds NULL) on every path. */
  releases: Set<number>;
  /** Parameter indexes the callee hands on where the engine cannot follow (or releases on some paths only). */
  escapes: Set<number>;
  /** A pointer the callee may return NULL (a lookup it returns unchecked on some path). */
  returnsNullable?: PtrFact;
  /** Parameter indexes the callee compares with NULL: a caller's later use may rest on its answer (is_valid(p)). */
  checks: Set<number>;
}
