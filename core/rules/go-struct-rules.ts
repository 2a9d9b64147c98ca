import { goFixedWidthFixes, goHostLayoutFix, goPaddingFix, goReorderFix } from '../fixes/go-fixes';
import type { Fix } from '../fixes/text-edit';
import type { GoLayoutEngine, GoStructLayout } from '../layout/go-layout';
import type { GoFileModel, GoStructDecl, GoTypeRef } from '../source/go-model';
import type { GoStructUse } from '../source/go-uses';
import { describeHoles } from './c-map-key-padding';
import type { Finding } from './finding';
import type { MirrorComparison } from './go-c-mismatch';
import { bare, type CPairing } from './go-c-pairing';

const NOT_FIXED = new Set(['int', 'uint', 'uintptr', 'string']);
const INTERFACES = new Set(['any', 'error', 'comparable']);

function notFixedKind(t: GoTypeRef): string | null {
  if (t.kind === 'named') return !t.pkg && NOT_FIXED.has(t.name) ? t.name : !t.pkg && INTERFACES.has(t.name) ? 'interface' : null;
  if (t.kind === 'array') return notFixedKind(t.of);
  if (t.kind === 'struct') return null;
  return t.kind; // pointer, slice, map, chan, func, interface
}

const FIXED_FOR: Record<string, string> = { int: 'int64 (or int32, matching the C field)', uint: 'uint64 (or uint32)', uintptr: 'uint64', string: 'a [N]byte array' };

/** What the rules know about one struct that matters. */
export interface GoStructContext {
  s: GoStructDecl;
  use: GoStructUse;
  layout: GoStructLayout | null;
  pairing: CPairing | null;
  cmp: MirrorComparison | null;
}

/**
 * The Go side of a kernel struct: `go-not-fixed-size` (fields whose size is not fixed, a standard-library type such as
 * time.Time included), `go-implicit-padding` (encoding/binary packs the padding away, so the bytes no longer match
 * the kernel's; silent when they match the C struct it mirrors, a packed one), `go-unexported-field` (only where
 * kernel bytes are decoded into it: encoding/binary writes unexported fields but cannot set them).
 */
export function checkGoStruct(model: GoFileModel, engine: GoLayoutEngine, ctx: GoStructContext): Finding[] {
  const { s, use, layout, pairing, cmp } = ctx;
  const findings: Finding[] = [];
  const c = pairing?.c.layout;
  const named = s.fields.filter((f) => f.name !== '_');
  for (const f of s.fields) {
    const kind = notFixedKind(f.type);
    const before = findings.length;
    if (kind) {
      const cField = c?.fields.find((x) => bare(x.name) === f.name.toLowerCase()) ?? c?.fields[named.indexOf(f)];
      const elements = f.type.kind === 'array' && f.type.length ? f.type.length : 1;
      findings.push({ rule: 'go-not-fixed-size', severity: 'warning', range: f.range,
        message: `${s.name}.${f.name} is ${kind === f.typeText ? kind : `${f.typeText} (${kind})`}, whose size is not fixed, but ${s.name} is ${use.why}: `
          + `the kernel sees fixed-size bytes. Use ${FIXED_FOR[kind] ?? 'a fixed-size type (an integer of explicit width, or an array)'}.`,
        fixes: () => goFixedWidthFixes(f, cField ? cField.size / elements : undefined) });
    } else if (f.type.kind === 'named' || f.type.kind === 'array') {
      // a named type (time.Time, a struct of the package) that holds something encoding/binary cannot size
      const bin = engine.binarySize(f.type, `${s.name}.${f.name}`);
      if ('reason' in bin && layout) {
        findings.push({ rule: 'go-not-fixed-size', severity: 'warning', range: f.range,
          message: `${s.name}.${f.name} has type ${f.typeText}, which encoding/binary cannot encode (${bin.reason}), but ${s.name} is ${use.why}: `
            + 'the kernel sees fixed-size bytes. Use fixed-size fields (integers of explicit width, arrays) in its place.' });
      }
    }
    // decoded somewhere, or marked/generated with no call saying it is only written (other packages may read it)
    const decoded = use.decodedBy ?? (use.byCalls || use.encodedBy ? undefined : use.why);
    const how = use.decodedBy ? `decoded from kernel bytes by ${use.decodedBy}` : use.why;
    if (decoded && !f.embedded && f.name !== '_' && /^[a-z]/.test(f.name)) {
      findings.push({ rule: 'go-unexported-field', severity: 'warning', range: f.range,
        message: `${s.name}.${f.name} is unexported, but ${s.name} is ${how}: encoding/binary `
          + `and cilium/ebpf cannot set it through reflection, so decoding fails. Export it (${f.name[0].toUpperCase()}${f.name.slice(1)}) or make it a blank _ field.` });
    } else if (use.decodedBy && f.name !== '_' && findings.length === before) { // one finding per field: not-fixed-size says enough
      // a field whose own type hides unexported fields (a struct of the package, sync.Mutex): decoding panics there
      const inner = engine.unexportedInside(f.type, `${s.name}.${f.name}`);
      if (inner) {
        findings.push({ rule: 'go-unexported-field', severity: 'warning', range: f.range,
          message: `${s.name}.${f.name} (${f.typeText}) holds the unexported field ${inner}, but ${s.name} is ${how}: encoding/binary cannot set it `
            + 'through reflection, so decoding fails. Give the field a type whose fields are all exported (or blank _ fields).' });
      }
    }
  }
  // the wire equals the C struct (a packed one, mirrored field by field): the padding Go drops is the padding C lacks
  const matchesC = cmp?.binary?.length === 0 || (pairing !== null && pairing.c.layout.holes.length === 0 && cmp?.memory.length !== 0);
  if (layout && layout.binarySize !== null && layout.binarySize !== layout.size && !matchesC) {
    findings.push({ rule: 'go-implicit-padding', severity: 'warning', range: s.nameRange,
      message: `${s.name} (${use.why}) is ${layout.size} bytes in memory (and in the kernel) but encoding/binary packs it to ${layout.binarySize}: `
        + `its padding (${describeHoles(layout.holes)}) is dropped, so every field after the first hole is read from the wrong offset. `
        + 'Add the padding as explicit blank fields (e.g. `_ [4]byte`), or reorder the fields.'
        + (pairing ? '' : ' (If the C struct is packed, the Go type is right as it is: mark it `//ebpf:struct <c-name>` so it is compared with it.)'),
      // a struct mirroring C keeps the C order: no reorder offered then
      fixes: () => [goPaddingFix(model, s, layout), pairing ? null : goReorderFix(model, s, layout), goHostLayoutFix(model, s)].filter((x): x is Fix => x !== null) });
  }
  return findings;
}

/** `layout-unknown` (info): a struct that crosses into the kernel or mirrors C, but a type it holds is not known. */
export function layoutUnknown(s: GoStructDecl, why: string, reason: string): Finding {
  const how = /GOROOT|module cache|vendor/.test(reason) ? '' : ' Declare the type in the module, or make its package\'s sources available (go mod download, go mod vendor).';
  return {
    rule: 'layout-unknown', severity: 'info', range: s.nameRange,
    message: `${s.name} is ${why} but was not laid out: ${reason}. Its padding, field sizes and C mirror are not checked.${how}`,
  };
}
