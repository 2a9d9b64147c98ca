import { cStructFixes } from '../fixes/c-fixes';
import { CLayoutEngine } from '../layout/c-layout';
import type { CFileModel, CRecordDecl } from '../source/c-model';
import { cStructUses } from '../source/c-usage';
import { describeHoles, headerNote } from './c-map-key-padding';
import type { Finding } from './finding';

export const RULE_ID = 'c-map-value-padding';

/**
 * A map value or a ring/perf buffer event with padding holes: user space reads every byte, so stale stack or map
 * bytes leak into the holes, and a Go reader must mirror the holes exactly (encoding/binary packs them away).
 */
export function checkMapValuePadding(model: CFileModel): Finding[] {
  const engine = new CLayoutEngine(model);
  const findings: Finding[] = [];
  const seen = new Set<CRecordDecl>();
  for (const use of cStructUses(model)) {
    if (use.role === 'key') continue;
    const rec = engine.resolveRecord(use.type);
    if (!rec || seen.has(rec)) continue;
    seen.add(rec);
    const layout = engine.structLayout(rec);
    if (!layout.ok || layout.value.holes.length === 0) continue;
    const value = layout.value;
    const definedHere = (rec.name !== null || rec.typedefName !== undefined) && model.records.includes(rec);
    const what = use.role === 'event' ? `is ${use.why}` : `is the value of map '${use.mapName}'`;
    findings.push({
      rule: RULE_ID,
      severity: 'info',
      range: definedHere ? rec.nameRange : use.range,
      message: `${value.name}${headerNote(model, rec)} ${what} and has padding (${describeHoles(value.holes)}): user space reads those bytes too, `
        + 'so zero it before filling it (or add explicit padding members), and give the Go type the same holes as `_ [N]byte` fields.',
      related: [{ message: use.role === 'event' ? use.why : `used as the value of '${use.mapName}'`, range: use.range }],
      fixes: definedHere ? () => cStructFixes(model, rec, value) : undefined,
    });
  }
  return findings;
}
