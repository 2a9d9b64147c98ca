import type { StructLayout } from '../layout/types';
import type { CDirective } from './c-directives';
import type { Macro } from './c-preprocess';
import type { WriteState } from './c-struct-writes';
import type { Range } from './range';

/** A C type as written in the source, before layout. */
export type CTypeRef =
  | { kind: 'named'; name: string }                                   // primitive or typedef name
  | { kind: 'record'; tag: 'struct' | 'union'; name: string | null; def?: CRecordDecl }
  | { kind: 'enum'; name: string | null; def?: CEnumDecl }
  | { kind: 'pointer'; to: CTypeRef }
  | { kind: 'array'; of: CTypeRef; length: number | null; lengthText: string }; // null length: flexible or unresolved

/**
 * An enum definition, with what decides its size: a fixed underlying type (`enum e : __u8`), the packed attribute
 * (smallest integer that holds every value), or the range of its values (int, unless one does not fit).
 */
export interface CEnumDecl {
  name: string | null;
  underlying?: CTypeRef;
  packed: boolean;
  /** Smallest and largest enumerator value; null when a value is not a constant this file defines. */
  min: bigint | null;
  max: bigint | null;
  /** The first enumerator whose value could not be evaluated, for messages. */
  unknownValue?: string;
}

/** A macro used as an attribute (`__packed`, `__aligned(8)`): its name and, for a function-like one, its arguments. */
export interface CAttributeMacro {
  name: string;
  args?: string[];
}

export interface CFieldDecl {
  name: string | null;
  type: CTypeRef;
  typeText: string;
  bitWidth?: number;
  /** __attribute__((aligned(N))) on the member. */
  alignAttr?: number;
  /** The declarator (the member's name), where diagnostics point. */
  range: Range;
  /** The whole member declaration, `;` included (shared by `__u32 a, b;`), where fixes edit. */
  declRange: Range;
  /** __attribute__((packed)) on the member: alignment 1. */
  packedAttr?: boolean;
  /** `__u64 x __aligned(8);`: attribute macros after the declarator, expanded with the unit's macros. */
  attributeMacros?: CAttributeMacro[];
}

export interface CRecordDecl {
  tag: 'struct' | 'union';
  name: string | null;
  /** For `typedef struct { ... } name_t;`: the typedef's name. */
  typedefName?: string;
  fields: CFieldDecl[];
  packed: boolean;
  alignAttr?: number;
  /** Where to point a diagnostic about the record: its name, or its opening keyword when anonymous. */
  nameRange: Range;
  range: Range;
  /** Why the body could not be read as the compiler reads it (a syntax error tree-sitter recovered from). */
  unparsed?: string;
  /** `} __packed;`, `} __aligned(8) name_t;`: attribute macros after the body, expanded with the unit's macros. */
  attributeMacros?: CAttributeMacro[];
}

/** How a map names its key or value: a type (`__type`), or only a size (`__uint(key_size, sizeof(struct k))`, `bpf_map_def`). */
export type CMapRole = 'key' | 'value';

/** A BTF-style map definition: `struct { __uint(type, ...); __type(key, ...); ... } name SEC(".maps");` */
export interface CMapDecl {
  name: string;
  mapType: string | null;
  key: CTypeRef | null;
  keyText: string | null;
  keyRange: Range | null;
  value: CTypeRef | null;
  valueText: string | null;
  valueRange: Range | null;
  range: Range;
}

/** A struct whose bytes go to user space through a ring buffer or perf buffer helper. */
export interface CEventUse {
  type: CTypeRef;
  /** The helper call, `bpf_ringbuf_reserve(&events, sizeof(*e), 0)`. */
  helper: string;
  range: Range;
  /** Whether its padding bytes hold zeroes when it is sent (c-struct-writes.ts); absent: not followed. */
  init?: WriteState;
  /** Reserved through this function (a wrapper such as libbpf-tools' `reserve_buf`): an event only if it is one. */
  via?: string;
}

/** A variable passed to one of the file's own functions (`count(&flows, &key)`): how its bytes were filled there. */
export interface CCallArg {
  callee: string;
  index: number;
  init: WriteState;
  range: Range;
}

/** A struct passed as a map key to a helper (`bpf_map_update_elem(&m, &key, ...)`), and how its bytes were filled. */
export interface CKeyUse {
  /** The map, when the call names it (`&flows`). */
  map: string | null;
  /** The key variable's type; absent when the key is not a variable (`&keys[i]`): then it is the map's key. */
  type?: CTypeRef;
  helper: string;
  init: WriteState;
  range: Range;
}

/** Layouts of types a file uses but does not define, read from BTF (the file's compiled object, the kernel's). */
export interface ExternalLayouts {
  /** Where the layouts come from, for messages: `examples/x.bpf.o`, `the kernel's BTF`. */
  origin: string;
  layout(kind: 'struct' | 'union' | 'enum' | 'typedef', name: string): { size: number; align: number; covered: [number, number][] } | undefined;
  /** A struct's or union's full layout, members included: the compiler's answer where the source's cannot be computed. */
  structLayout?(kind: 'struct' | 'union', name: string): StructLayout | undefined;
}

export interface CFileModel {
  /** The file on disk, when known (headers always have one). */
  file?: string;
  /** The text the model was extracted from; fixes read indentation and comments from it. */
  source: string;
  /** Structs sent to user space by bpf_ringbuf_output/reserve and bpf_perf_event_output (and, with `via`, candidates). */
  events: CEventUse[];
  /** Structs passed as keys to map helpers, with how each was filled. */
  keyUses?: CKeyUse[];
  /** Structs passed as values to bpf_map_update_elem, with how each was filled. */
  valueUses?: CKeyUse[];
  /** Struct variables passed to the file's functions, so a key or event reaching a helper through a parameter is followed. */
  callArgs?: CCallArg[];
  /** How the file's functions leave what their pointer parameters point to (`make_key(struct key *out)` zeroing `*out`). */
  paramWrites?: { fn: string; index: number; init: WriteState }[];
  /** Functions that return a ring buffer reservation (`reserve_buf`): what they return is an event buffer. */
  reserveWrappers?: string[];
  records: CRecordDecl[];
  typedefs: Map<string, CTypeRef>;
  /** Named enum definitions (`enum name { ... }`). */
  enums: Map<string, CEnumDecl>;
  /** `#define NAME <integer>` constants, for array sizes. */
  constants: Map<string, number>;
  maps: CMapDecl[];
  /** `#include "x.h"` (quoted) and `#include <x.h>` (system), in order. */
  includes: { path: string; system: boolean }[];
  /** Headers this file includes (transitively) that were found and parsed: their types are this file's too. */
  headers?: CFileModel[];
  /** BTF to resolve what neither the file nor its headers define. */
  btf?: ExternalLayouts[];
  /** The file's preprocessor lines, in order (c-directives.ts). */
  directives?: CDirective[];
  /** `-D NAME=VALUE` (and `-U NAME`, null) from the command line or the build, for the unit this file is the main file of. */
  predefined?: Map<string, string | null>;
  /** The macros each system header the unit includes defines (`linux/if_ether.h` -> ETH_P_IPV6), from clang. */
  systemMacros?: Map<string, Map<string, Macro>>;
  /** Quoted includes of the unit that were not found or not parsed. */
  unreadIncludes?: string[];
  /** Which header each include of the unit's files leads to (set with `headers`): from-file model -> include path -> header. */
  includeLinks?: Map<CFileModel, Map<string, CFileModel>>;
}
