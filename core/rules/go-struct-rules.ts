import { goFixedWidthFixes, goHostLayoutFix, goPaddingFix, goReorderFix } from '../fixes/go-fixes';
import type { Fix } from '../fixes/text-edit';
import { GoLayoutEngine } from '../layout/go-layout';
import type { StructLayout } from '../layout/types';
import type { GoFileModel, GoTypeRef } from '../source/go-model';
import type { GoStructUse } from '../source/go-usage';
import { describeHoles } from './c-map-key-padding';
import type { Finding } from './finding';
import { pairedCName } from './go-c-mismatch';

const NOT_FIXED = new Set(['int', 'uint', 'uintptr', 'string']);

function notFixedKind(t: GoTypeRef): string | null {
  if (t.kind === 'named') return !t.pkg && NOT_FIXED.has(t.name) ? t.name : null;
  if (t.kind === 'array') return notFixedKind(t.of);
  if (t.kind === 'struct') return null;
  return t.kind; // pointer, slice, map, chan, func, interface
}

const FIXED_FOR: Record<string, string> = { int: 'int64 (or int32, matching the C field)', uint: 'uint64 (or uint32)', uintptr: 'uint64', string: 'a [N]byte array' };

/**
 * The Go side of a kernel struct: `go-not-fixed-size` (fields whose size is not fixed), `go-implicit-padding`
 * (encoding/binary packs the padding away, so the bytes no longer match the kernel's), `go-unexported-field`.
 */
export function checkGoStructs(model: GoFileModel, uses: Map<string, GoStructUse>, cStructs = new Map<string, StructLayout>()): Finding[] {
  const engine = new GoLayoutEngine(model);
  const findings: Finding[] = [];
  const cNames = new Set(cStructs.keys());
  for (const s of model.structs) {
    const use = uses.get(s.name);
    if (!use) continue;
    const cName = pairedCName(s.name, use, cNames);
    const c = cName ? cStructs.get(cName) : undefined;
    const named = s.fields.filter((f) => f.name !== '_');
    s.fields.forEach((f) => {
      const kind = notFixedKind(f.type);
      if (kind) {
        const cField = c?.fields[named.indexOf(f)];
        const elements = f.type.kind === 'array' && f.type.length ? f.type.length : 1;
        findings.push({ rule: 'go-not-fixed-size', severity: 'warning', range: f.range,
          message: `${s.name}.${f.name} is ${kind === f.typeText ? kind : `${f.typeText} (${kind})`}, whose size is not fixed, but ${s.name} is ${use.why}: `
            + `the kernel sees fixed-size bytes. Use ${FIXED_FOR[kind] ?? 'a fixed-size type (an integer of explicit width, or an array)'}.`,
          fixes: () => goFixedWidthFixes(f, cField ? cField.size / elements : undefined) });
      }
      if (!f.embedded && f.name !== '_' && /^[a-z]/.test(f.name)) {
        findings.push({ rule: 'go-unexported-field', severity: 'warning', range: f.range,
          message: `${s.name}.${f.name} is unexported, but ${s.name} is ${use.why}: encoding/binary and cilium/ebpf cannot set it through `
            + `reflection, so decoding fails or leaves it zero. Export it (${f.name[0].toUpperCase()}${f.name.slice(1)}) or make it a blank _ field.` });
      }
    });
    const out = engine.structLayout(s);
    if (out.ok && out.value.binarySize !== null && out.value.binarySize !== out.value.size) {
      const layout = out.value;
      findings.push({ rule: 'go-implicit-padding', severity: 'warning', range: s.nameRange,
        message: `${s.name} (${use.why}) is ${layout.size} bytes in memory (and in the kernel) but encoding/binary packs it to ${layout.binarySize}: `
          + `its padding (${describeHoles(layout.holes)}) is dropped, so every field after the first hole is read from the wrong offset. `
          + 'Add the padding as explicit blank fields (e.g. `_ [4]byte`), or reorder the fields.',
        // a struct mirroring C keeps the C order: no reorder offered then
        fixes: () => [goPaddingFix(model, s, layout), c ? null : goReorderFix(model, s, layout), goHostLayoutFix(model, s)].filter((x): x is Fix => x !== null) });
    }
  }
  return findings;
}
