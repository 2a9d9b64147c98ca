import type { GoStructLayout } from '../layout/go-layout';
import type { FieldLayout, StructLayout } from '../layout/types';
import type { GoStructDecl } from '../source/go-model';
import type { Finding } from './finding';
import { bare, isCPadding, type CPairing } from './go-c-pairing';

/** How a Go type's bytes compare with its C struct's: in memory, and as encoding/binary writes them (the wire). */
export interface MirrorComparison {
  memory: string[];
  /** null when encoding/binary has no size for the type. */
  binary: string[] | null;
}

/** Compare both Go layouts with the C one: cilium/ebpf marshals with encoding/binary, so the binary one is the wire. */
export function compareWithC(go: GoStructLayout, binaryFields: FieldLayout[] | null, goName: string, c: StructLayout, cName: string, union = false): MirrorComparison {
  const diff = (fields: FieldLayout[], size: number) => [
    ...(size !== c.size ? [`size ${size} in Go, ${c.size} in C`] : []),
    ...(union ? unionDifferences(goName, fields, cName, c.fields) : fieldDifferences(goName, fields, cName, c.fields)),
  ];
  return { memory: diff(go.fields, go.size), binary: binaryFields && go.binarySize !== null ? diff(binaryFields, go.binarySize) : null };
}

/**
 * `go-c-mismatch`: a Go type and the C struct it mirrors must agree on size and each field's offset and size, or the
 * bytes user space reads are not the ones the kernel wrote. A type handed to the kernel is compared as encoding/binary
 * lays it out (what cilium/ebpf sends); when only its memory layout matches, go-implicit-padding says so instead. A
 * mirror nothing here hands to the kernel may also be read by copying memory, so either layout matching is enough.
 */
export function checkGoCMismatch(s: GoStructDecl, pairing: CPairing, cmp: MirrorComparison): Finding[] {
  const { memory, binary } = cmp;
  if (binary?.length === 0) return [];
  if (memory.length === 0) return []; // the wire differs only by the padding dropped (go-implicit-padding) or an unsized field (go-not-fixed-size)
  // describe the differences in the layout that comes closer (a packed C struct: the binary one)
  const problems = binary !== null && binary.length < memory.length ? binary : memory;
  const layoutName = problems === binary ? ' (as encoding/binary lays it out, which is what cilium/ebpf sends)' : '';
  const c = pairing.c;
  return [{
    rule: 'go-c-mismatch', severity: 'error', range: s.nameRange,
    message: `${s.name} does not match ${c.union ? 'union' : 'struct'} ${c.name}${c.packed ? ' (packed)' : ''}${layoutName} (paired because it is ${pairing.how}): `
      + `${problems.join('; ')}. Make the Go fields mirror the C ones, padding included (explicit \`_ [N]byte\`).`,
  }];
}

const describe = (owner: string, f: FieldLayout) => `${owner}.${f.name} (offset ${f.offset}, ${f.size} byte${f.size === 1 ? '' : 's'})`;

/**
 * Pair the fields by name first (bpf2go's `Saddr` for `saddr`), then the rest by offset (a renamed field), and say
 * what differs: a field at another offset or of another size, a field with no counterpart. Swapped fields of equal
 * size keep the struct's size and offsets, so only the names reveal them. C bitfields have no Go counterpart (bpf2go
 * writes their storage as a blank array), so they are left out; so are Go's blank fields and C's padding members
 * (`__pad0[3]`, `reserved`) that no Go field is named after; a named Go field at a padding member's offset and of its
 * size stands for it. Sizes and offsets tell whether the rest lines up.
 */
function fieldDifferences(goName: string, goAll: FieldLayout[], cName: string, cAll: FieldLayout[]): string[] {
  const goFields = goAll.filter((f) => f.name !== '_' && f.size > 0);
  const named = new Set(goFields.map((f) => bare(f.name)));
  const cFields = cAll.filter((f) => f.bitSize === undefined && f.size > 0 && (!isCPadding(f.name) || named.has(bare(f.name))));
  const cPadding = cAll.filter((f) => f.bitSize === undefined && f.size > 0 && !cFields.includes(f));
  const out: string[] = [];
  const hasBitfields = cAll.some((f) => f.bitSize !== undefined);
  const pairs = new Map<FieldLayout, FieldLayout>(); // C field -> Go field
  const used = new Set<FieldLayout>();
  for (const cf of cFields) {
    const g = goFields.find((x) => !used.has(x) && bare(x.name) === bare(cf.name));
    if (g) { pairs.set(cf, g); used.add(g); }
  }
  for (const cf of cFields) {
    if (pairs.has(cf)) continue;
    const g = goFields.find((x) => !used.has(x) && x.offset === cf.offset);
    if (g) { pairs.set(cf, g); used.add(g); }
  }
  // a named Go field where C has a padding member of its size (`Pad1 [2]uint8` for `unused1[2]`) stands for it
  let padding = 0;
  for (const g of goFields) {
    if (!used.has(g) && cPadding.some((p) => p.offset === g.offset && p.size === g.size)) { used.add(g); padding++; }
  }
  if (!hasBitfields && goFields.length - padding !== cFields.length) out.push(`${goFields.length - padding} fields in Go, ${cFields.length} in C`);
  let moved = 0;
  for (const cf of cFields) {
    const g = pairs.get(cf);
    if (!g) out.push(`${describe(cName, cf)} has no Go field`);
    else if (g.offset !== cf.offset || g.size !== cf.size) {
      out.push(`${describe(goName, g)} vs ${describe(cName, cf)}`);
      if (g.size === cf.size) moved++;
    }
  }
  for (const g of goFields) if (!used.has(g)) out.push(`${describe(goName, g)} has no C field`);
  if (moved >= 2 && goFields.length === cFields.length && totalSize(goFields) === totalSize(cFields)) out.push('the same fields in another order');
  return out;
}

/** A C union's mirror: each named Go field is one of the members (same offset, same size); the rest is blank bytes. */
function unionDifferences(goName: string, goAll: FieldLayout[], cName: string, cAll: FieldLayout[]): string[] {
  return goAll.filter((g) => g.name !== '_' && g.size > 0)
    .filter((g) => !cAll.some((cf) => cf.offset === g.offset && cf.size === g.size && cf.bitSize === undefined))
    .map((g) => `${describe(goName, g)} is none of union ${cName}'s members (${cAll.map((cf) => describe(cName, cf)).join(', ')})`);
}

const totalSize = (fs: FieldLayout[]) => fs.reduce((n, f) => n + f.size, 0);
