import { goPaddingFix } from '../fixes/go-fixes';
import type { Fix } from '../fixes/text-edit';
import { GoLayoutEngine } from '../layout/go-layout';
import type { GoFileModel } from '../source/go-model';
import type { GoCodecSite } from '../source/go-uses';
import type { Finding } from './finding';

export const RULE_ID = 'go-reflect-decode';

/**
 * `go-reflect-decode` (info): a struct decoded with reflection on every iteration of a loop. cilium/ebpf copies a
 * value's bytes straight into a struct only when the struct has no padding and no unexported fields; otherwise each
 * Lookup/Next goes through encoding/binary, as binary.Read and json.Unmarshal always do. Only decode sites count, and
 * binary.Read/json.Unmarshal only on kernel bytes (a ring buffer or perf record, LookupBytes): see go-uses.ts.
 */
export function checkReflectDecode(model: GoFileModel, sites: GoCodecSite[]): Finding[] {
  const engine = new GoLayoutEngine(model);
  const findings: Finding[] = [];
  for (const site of sites) {
    if (!site.inLoop || site.direction !== 'decode') continue;
    // the type may be declared in another file of the package
    const own = model.structs.find((x) => x.name === site.type);
    const s = own ?? model.siblings?.flatMap((m) => m.structs).find((x) => x.name === site.type);
    const out = s ? engine.structLayout(s) : undefined;
    if (!s || !out?.ok) continue;
    const layout = out.value;
    const padding = layout.holes.reduce((n, h) => n + h.size, 0);
    const unexported = s.fields.filter((f) => f.name !== '_' && !f.embedded && /^[a-z]/.test(f.name)).map((f) => f.name);
    const copyable = padding === 0 && unexported.length === 0 && layout.binarySize === layout.size;
    let message: string;
    if (site.via === 'map') {
      if (copyable) continue; // cilium/ebpf copies it without reflection already
      const why = padding > 0 ? `${padding} padding byte${padding === 1 ? '' : 's'}` : unexported.length > 0 ? `unexported field${unexported.length === 1 ? '' : 's'} ${unexported.join(', ')}` : 'fields encoding/binary cannot size';
      message = `${site.call} decodes ${s.name} with encoding/binary's reflection on every iteration: cilium/ebpf copies a struct directly `
        + `only when it has no padding and no unexported fields, and ${s.name} has ${why}. `
        + (padding > 0 ? 'Make the padding explicit (`_ [N]byte` fields) so the bytes are copied as they are.' : 'Export the fields or use `_` for the unused ones.');
    } else {
      message = `${site.call} decodes ${s.name} with reflection on every iteration of this loop. `
        + (copyable
          ? `${s.name} has no padding, so its bytes can be taken as they are: decode the raw bytes field by field (binary.LittleEndian.Uint32(b[0:4]) ...), or, for a map value, let Map.Lookup/Iterate fill &v, which copies without reflection.`
          : `Read the raw bytes (Map.LookupBytes, ringbuf Record.RawSample) and decode the fields by hand (binary.LittleEndian.Uint32(b[0:4]) ...), or give ${s.name} explicit padding so cilium/ebpf can copy it without reflection.`);
    }
    findings.push({
      rule: RULE_ID, severity: 'info', range: site.range, message,
      // a related location or a fix in another file would need that file's URI: only for this file's types
      related: own ? [{ message: `${s.name} is declared here`, range: s.nameRange }] : undefined,
      fixes: own && padding > 0 ? () => [goPaddingFix(model, s, layout)].filter((f): f is Fix => f !== null) : undefined,
    });
  }
  return findings;
}
