import { CLayoutEngine } from '../layout/c-layout';
import type { Hole } from '../layout/types';
import type { CFileModel } from '../source/c-model';
import type { Finding } from './finding';

export const RULE_ID = 'c-map-key-padding';

/** Map types whose kernel implementation hashes or compares every byte of the key. */
const HASHED_KEY_MAPS = new Set([
  'BPF_MAP_TYPE_HASH', 'BPF_MAP_TYPE_LRU_HASH', 'BPF_MAP_TYPE_PERCPU_HASH', 'BPF_MAP_TYPE_LRU_PERCPU_HASH',
  'BPF_MAP_TYPE_HASH_OF_MAPS',
]);

export function describeHoles(holes: Hole[]): string {
  return holes.map((h) => `${h.size} byte${h.size === 1 ? '' : 's'} at offset ${h.offset}${h.trailing ? ' (trailing)' : ''}`).join(', ');
}

/**
 * A struct used as the key of a hash map must have no padding: the kernel hashes and compares all
 * key_size bytes, so uninitialised padding makes lookups of equal keys miss.
 */
export function checkMapKeyPadding(model: CFileModel): Finding[] {
  const engine = new CLayoutEngine(model);
  const findings: Finding[] = [];
  for (const map of model.maps) {
    if (!map.key || !map.mapType || !HASHED_KEY_MAPS.has(map.mapType)) continue;
    const rec = engine.resolveRecord(map.key);
    if (!rec) continue;
    const layout = engine.structLayout(rec);
    if (!layout.ok || layout.value.holes.length === 0) continue;
    const { name, size, holes } = layout.value;
    const padding = holes.reduce((n, h) => n + h.size, 0);
    const definedHere = rec.name !== null || rec.typedefName !== undefined;
    findings.push({
      rule: RULE_ID,
      severity: 'warning',
      range: definedHere ? rec.nameRange : map.keyRange ?? map.range,
      message: `${name} is the key of hash map '${map.name}' but has ${padding} padding byte${padding === 1 ? '' : 's'} `
        + `in ${holes.length} hole${holes.length === 1 ? '' : 's'}: ${describeHoles(holes)} (size ${size}). `
        + 'The kernel hashes every key byte, so garbage in the padding makes lookups miss. '
        + 'Reorder the fields, add explicit padding members, or zero the key with __builtin_memset before filling it.',
      related: map.keyRange ? [{ message: `used as the key of '${map.name}' (${map.mapType})`, range: map.keyRange }] : undefined,
    });
  }
  return findings;
}
