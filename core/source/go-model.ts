import type { GoUsageFacts } from './go-usage';
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
  /** The field's name (or the embedded type), where diagnostics point. */
  range: Range;
  /** The type as written, where a type fix edits. */
  typeRange: Range;
  /** The whole field declaration (shared by `A, B uint32`), where fixes insert and move. */
  declRange: Range;
}

export interface GoStructDecl {
  name: string;
  fields: GoFieldDecl[];
  nameRange: Range;
  range: Range;
  /** The `{` that opens the field list. */
  bodyStart: Range;
}

/** Where a new import goes: into the `import (...)` group, after a single import, or after the package clause. */
export interface GoImportAnchor {
  style: 'group' | 'single' | 'none';
  /** The `(` of the group, the end of the single import declaration, or the end of the package clause. */
  at: Range['end'];
}

export interface GoFileModel {
  /** The text the model was extracted from; fixes read indentation and comments from it. */
  source: string;
  /** The file on disk, when known (a sibling's always is). */
  file?: string;
  /** What its declarations do with structs (variables, codec calls), in order: see go-usage.ts. */
  facts?: GoUsageFacts[];
  pkg: string;
  /** Imports: the path unquoted, and the name the file uses for the package (the alias, or the path's last element). */
  imports: { name: string; path: string }[];
  importAnchor: GoImportAnchor;
  structs: GoStructDecl[];
  /** `type X uint32` and other non-struct type declarations, by name. */
  defined: Map<string, GoTypeRef>;
  /** `type Key = bpfKey` aliases of a type of the package, by name: uses of Key are uses of bpfKey. */
  aliases?: Map<string, string>;
  /** Integer constants, for array lengths. */
  constants: Map<string, number>;
  /** The package's other files (same directory and package clause): their types are this file's too. */
  siblings?: GoFileModel[];
  /** Imported packages of the module (by the name this file uses), for `pkg.Type` fields. */
  packages?: Map<string, GoFileModel[]>;
  /** The module's other packages that import this file's package (`path`), each as its files: they may hand its types to the kernel. */
  importers?: { root: string; path: string; packages: GoFileModel[][] };
  /** Imported packages whose sources were not found (by the name this file uses): why, and how to make them known. */
  packageErrors?: Map<string, string>;
}
