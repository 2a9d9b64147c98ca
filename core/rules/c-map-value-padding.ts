import { CLayoutEngine } from '../layout/c-layout';
import type { CFileModel } from '../source/c-model';
import { describeHoles } from './c-map-key-padding';
import type { Finding } from './finding';

export const RULE_ID = 'c-map-value-padding';

/**
 * A map value with padding holes: user space reads every value byte, so stale stack or map bytes leak into the
 * holes, and a Go reader must mirror the holes exactly (encoding/binary packs them away).
 */
export function checkMapValuePadding(model: CFileModel): Finding[] {
  const engine = new CLayoutEngine(model);
  const findings: Finding[] = [];
  const seen = new Set<object>();
  for (const map of model.maps) {
    const rec = map.value ? engine.resolveRecord(map.value) : undefined;
    if (!rec || seen.has(rec)) continue;
    seen.add(rec);
    const layout = engine.structLayout(rec);
    if (!layout.ok || layout.value.holes.length === 0) continue;
    const { name, holes } = layout.value;
    findings.push({
      rule: RULE_ID,
      severity: 'info',
      range: rec.name !== null || rec.typedefName !== undefined ? rec.nameRange : map.valueRange ?? map.range,
      message: `${name} is the value of map '${map.name}' and has padding (${describeHoles(holes)}): user space reads those bytes too, `
        + 'so zero the value before filling it, and give the Go type the same holes as explicit `_ [N]byte` fields.',
      related: map.valueRange ? [{ message: `used as the value of '${map.name}'`, range: map.valueRange }] : undefined,
    });
  }
  return findings;
}
