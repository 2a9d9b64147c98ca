import { CLayoutEngine } from '../layout/c-layout';
import { typeKey } from '../source/c-type-text';
import type { CFileModel } from '../source/c-model';
import { cStructUses } from '../source/c-usage';
import type { Finding } from './finding';

export const RULE_ID = 'layout-unknown';

/** How to give this tool what it lacked, from why the layout failed. */
function howToResolve(reason: string): string {
  if (/did not read/.test(reason)) {
    return 'Give the macro as the build does (lint -D NAME[=VALUE], or a compile_commands.json that lists this file), point -I DIR at the header, or build the object next to the source so its BTF is read.';
  }
  if (/#if|#elif|condition|defined under/.test(reason)) {
    return 'Give the build\'s macros (lint -D NAME[=VALUE], or a compile_commands.json that lists this file), or build the object next to the source so its BTF is read.';
  }
  if (/does not parse|aligned\(\.\.\.\)|not a constant/.test(reason)) return 'Build the object next to the source (ebpf-debugger verify FILE) so its BTF, which has the layout as compiled, is read.';
  return 'Point lint at the header that defines it (-I DIR), or build the object next to the source (ebpf-debugger verify FILE) so its BTF is read.';
}

/**
 * `layout-unknown` (info): a struct whose bytes matter (a map key or value, an event sent to user space) but whose
 * layout cannot be computed, so the padding rules did not check it. Silence from them must mean "checked".
 */
export function checkLayoutUnknown(model: CFileModel): Finding[] {
  const engine = new CLayoutEngine(model);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const use of cStructUses(model)) {
    const key = typeKey(use.type);
    // `void *buf` handed to an output helper (a submit wrapper's parameter) names no layout to check
    if (seen.has(key) || (use.type.kind === 'named' && use.type.name === 'void')) continue;
    seen.add(key);
    const rec = engine.resolveRecord(use.type);
    const out = rec ? engine.structLayout(rec) : engine.layoutOutcome(use.type);
    if (out.ok) continue;
    const name = use.type.kind === 'record' ? `${use.type.tag} ${use.type.name ?? '(anonymous)'}` : key;
    // on the struct's name when this file defines it, at the use for one from a header (as the padding rules do)
    const definedHere = rec && (rec.name !== null || rec.typedefName !== undefined) && model.records.includes(rec);
    findings.push({
      rule: RULE_ID, severity: 'info', range: definedHere ? rec.nameRange : use.range,
      message: `${name} (${use.why}) was not laid out, so its padding was not checked: ${out.reason}. ${howToResolve(out.reason)}`,
    });
  }
  return findings;
}
