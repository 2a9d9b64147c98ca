import { cStructFixes } from '../fixes/c-fixes';
import { CLayoutEngine } from '../layout/c-layout';
import type { CFileModel } from '../source/c-model';
import { cStructUses, followWrites } from '../source/c-usage';
import { describeHoles, headerNote } from './c-map-key-padding';
import { groupByRecord, isDefinedHere, paddingVerdict, userSpaceAdvice, type CLintContext } from './c-padding-verdict';
import type { Finding } from './finding';

export const RULE_ID = 'c-map-value-padding';

/**
 * A map value or a ring/perf buffer event with padding holes: user space reads every byte, so stale stack or map
 * bytes leak into the holes, and a Go reader must mirror the holes exactly (encoding/binary packs them away).
 */
export function checkMapValuePadding(model: CFileModel, ctx: CLintContext = {}): Finding[] {
  const engine = new CLayoutEngine(model);
  const findings: Finding[] = [];
  // each use's record resolved once, grouped by record in the order of its first use
  const usesOf = groupByRecord(engine, cStructUses(model).filter((u) => u.role !== 'key'));
  const storesOf = groupByRecord(engine, model.valueUses ?? []);
  for (const [rec, uses] of usesOf) {
    const use = uses[0];
    const layout = engine.structLayout(rec);
    if (!layout.ok || layout.value.holes.length === 0) continue;
    const value = layout.value;
    const definedHere = isDefinedHere(model, rec);
    const what = use.role === 'event' ? `is ${use.why}` : `is the value of map '${use.mapName}'`;
    // events, and values written with bpf_map_update_elem: a warning where some can carry stale bytes in the holes
    // (an info leak), an info where each is zeroed
    const events = uses.filter((u) => u.role === 'event');
    const valueMaps = new Set(uses.filter((u) => u.role === 'value').map((u) => u.mapName));
    const stores = (storesOf.get(rec) ?? []).filter((u) => u.map === null || valueMaps.has(u.map));
    const sent = [...events.map((u) => ({ init: u.init, range: u.range })), ...stores.map((u) => ({ init: u.init, range: u.range }))];
    const writes = sent.flatMap((u) => followWrites(model, u.init, u.range));
    const verdict = sent.length > 0 && sent.every((u) => u.init) ? paddingVerdict(writes, events.length > 0 ? 'the event' : 'the value') : null;
    const severity = verdict?.severity === 'warning' ? 'warning' : 'info';
    findings.push({
      rule: RULE_ID,
      severity,
      range: definedHere ? rec.nameRange : use.range,
      message: `${value.name}${headerNote(model, rec)} ${what} and has padding (${describeHoles(value.holes)}): user space reads those bytes too. `
        + (verdict?.sentence ?? '') + (severity === 'warning' ? 'Stale kernel bytes reach user space in those holes. ' : '')
        + (verdict?.severity === 'info' && verdict.sentence.startsWith('Every') ? '' : `Zero it before filling it (or add explicit padding members), ${userSpaceAdvice(rec, ctx)}`),
      related: [{ message: use.role === 'event' ? use.why : `used as the value of '${use.mapName}'`, range: use.range }, ...(verdict?.related ?? [])],
      fixes: definedHere ? () => cStructFixes(model, rec, value) : undefined,
    });
  }
  return findings;
}
