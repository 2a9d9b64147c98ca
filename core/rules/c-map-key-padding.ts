import { cStructFixes } from '../fixes/c-fixes';
import { CLayoutEngine } from '../layout/c-layout';
import type { Hole } from '../layout/types';
import type { CFileModel, CMapDecl, CRecordDecl } from '../source/c-model';
import { followWrites } from '../source/c-usage';
import { isDefinedHere, isGoMirrored, paddingVerdict, type CLintContext } from './c-padding-verdict';
import type { Finding } from './finding';

export const RULE_ID = 'c-map-key-padding';

/** Map types whose kernel implementation hashes or compares every byte of the key. */
const HASHED_KEY_MAPS = new Set([
  'BPF_MAP_TYPE_HASH', 'BPF_MAP_TYPE_LRU_HASH', 'BPF_MAP_TYPE_PERCPU_HASH', 'BPF_MAP_TYPE_LRU_PERCPU_HASH',
  'BPF_MAP_TYPE_HASH_OF_MAPS', 'BPF_MAP_TYPE_LPM_TRIE',
]);

/** ` (defined in common.h)` for a struct from an included header: the finding sits at its use in this file. */
export function headerNote(model: CFileModel, rec: CRecordDecl): string {
  const header = model.headers?.find((h) => h.records.includes(rec));
  return header?.file ? ` (defined in ${header.file.split('/').pop()})` : '';
}

export function describeHoles(holes: Hole[]): string {
  return holes.map((h) => `${h.size} byte${h.size === 1 ? '' : 's'} at offset ${h.offset}${h.trailing ? ' (trailing)' : ''}`).join(', ');
}

/**
 * A struct used as the key of a hash map must have no padding: the kernel hashes and compares all
 * key_size bytes, so uninitialised padding makes lookups of equal keys miss.
 */
export function checkMapKeyPadding(model: CFileModel, ctx: CLintContext = {}): Finding[] {
  const engine = new CLayoutEngine(model);
  // one finding per struct, naming every hash map it keys
  const keyed = new Map<CRecordDecl, CMapDecl[]>();
  for (const map of model.maps) {
    if (!map.key || !map.mapType || !HASHED_KEY_MAPS.has(map.mapType)) continue;
    const rec = engine.resolveRecord(map.key);
    if (rec) keyed.set(rec, [...(keyed.get(rec) ?? []), map]);
  }
  const findings: Finding[] = [];
  const keyUses = model.keyUses ?? [];
  const keyRecs = keyUses.map((u) => (u.type ? engine.resolveRecord(u.type) : undefined)); // once per use, not per struct
  for (const [rec, maps] of keyed) {
    const layout = engine.structLayout(rec);
    if (!layout.ok || layout.value.holes.length === 0) continue;
    const structLayout = layout.value;
    const { name, size, holes } = structLayout;
    const padding = holes.reduce((n, h) => n + h.size, 0);
    const definedHere = isDefinedHere(model, rec);
    const names = maps.map((m) => `'${m.name}'`);
    const trie = maps.every((m) => m.mapType === 'BPF_MAP_TYPE_LPM_TRIE'); // compared byte by byte, not hashed
    // the helper calls that pass this struct as the key of one of these maps, and how each filled it
    const mapNames = new Set(maps.map((m) => m.name));
    const uses = keyUses.filter((u, i) => (u.type ? (u.map === null || mapNames.has(u.map)) && keyRecs[i] === rec : mapNames.has(u.map ?? '')))
      .flatMap((u) => followWrites(model, u.init, u.range));
    const verdict = paddingVerdict(uses, 'the key');
    const assumed = engine.assumedUndefined(rec);
    findings.push({
      rule: RULE_ID,
      severity: verdict.severity,
      range: definedHere ? rec.nameRange : maps[0].keyRange ?? maps[0].range,
      message: `${name}${headerNote(model, rec)} is the key of ${trie ? 'LPM trie' : 'hash map'}${maps.length > 1 ? 's' : ''} ${names.join(', ')} but has ${padding} padding byte${padding === 1 ? '' : 's'} `
        + `in ${holes.length} hole${holes.length === 1 ? '' : 's'}: ${describeHoles(holes)} (size ${size}${assumed.length ? `, with ${assumed.slice(0, 3).join(', ')} undefined` : ''}). `
        + (trie
          ? 'An LPM trie compares the key\'s bytes up to the prefix length, padding included, so garbage in it makes lookups miss. '
          : 'The kernel hashes every key byte, so garbage in the padding makes lookups miss. ')
        + verdict.sentence
        + (verdict.severity === 'warning' ? 'Reorder the fields, add explicit padding members, or zero the key (`= {}` or __builtin_memset) before filling it.' : '')
        + (isGoMirrored(rec, ctx) ? ' The Go type that mirrors it must zero or spell out the same holes (`_ [N]byte`) for its keys to match.' : ''),
      related: [...maps.filter((m) => m.keyRange).map((m) => ({ message: `used as the key of '${m.name}' (${m.mapType})`, range: m.keyRange! })), ...verdict.related],
      fixes: definedHere ? () => cStructFixes(model, rec, structLayout) : undefined,
    });
  }
  return findings;
}
