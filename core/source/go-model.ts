import type { Range } from './range';

/** A Go type as written, before layout. */
export type GoTypeRef =
  | { kind: 'named'; name: string; pkg?: string }
  | { kind: 'pointer' | 'slice' | 'map' | 'chan' | 'func' | 'interface' }
  | { kind: 'array'; of: GoTypeRef; length: number | null; lengthText: string }
  | { kind: 'struct'; fields: GoFieldDecl[] };

export interface GoFieldDecl {
  /** The field name, `_` for blank fields, the type name for embedded ones. */
  name: string;
  embedded: boolean;
  type: GoTypeRef;
  typeText: string;
  range: Range;
}

export interface GoStructDecl {
  name: string;
  fields: GoFieldDecl[];
  nameRange: Range;
  range: Range;
}

export interface GoFileModel {
  pkg: string;
  structs: GoStructDecl[];
  /** `type X uint32` and other non-struct type declarations, by name. */
  defined: Map<string, GoTypeRef>;
  /** Integer constants, for array lengths. */
  constants: Map<string, number>;
}
