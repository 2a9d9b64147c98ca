import type { CFileModel, CMapDecl, CMapRole } from './c-model';
import { parseTypeText } from './c-type-text';
import { positionAt } from './range';

/** Legacy map definitions (`struct bpf_map_def SEC("maps") m = { .key_size = sizeof(struct k) }`): their size fields. */
const LEGACY_MAP_STRUCTS: Record<string, Record<string, CMapRole | 'type'>> = {
  bpf_map_def: { type: 'type', key_size: 'key', value_size: 'value' },
  bpf_elf_map: { type: 'type', size_key: 'key', size_value: 'value' },
};

/**
 * Legacy definitions, `struct bpf_map_def SEC("maps") name = { .type = ..., .key_size = sizeof(struct k) };`. tree-sitter
 * cannot parse them (SEC is a macro it does not expand), so they are read from the text.
 */
export function readLegacyMaps(model: CFileModel, sizeofType: (expr: string) => string | null): void {
  const src = model.source;
  const def = /\bstruct\s+(bpf_map_def|bpf_elf_map)\s+(?:SEC\s*\(\s*"[^"]*"\s*\)\s*)?(\w+)\s*(?:SEC\s*\(\s*"[^"]*"\s*\)\s*)?=\s*\{([^}]*)\}/g;
  for (const m of src.matchAll(def)) {
    const fields = LEGACY_MAP_STRUCTS[m[1]];
    const at = (offset: number) => positionAt(src, offset);
    const map: CMapDecl = { name: m[2], mapType: null, key: null, keyText: null, keyRange: null, value: null, valueText: null, valueRange: null,
      range: { start: at(m.index), end: at(m.index + m[0].length) } };
    const bodyAt = m.index + m[0].indexOf('{') + 1;
    for (const pair of m[3].matchAll(/\.(\w+)\s*=\s*([^,]+)/g)) {
      const role = fields[pair[1]];
      const value = pair[2].trim();
      if (role === 'type') map.mapType = value;
      const of = role && role !== 'type' ? sizeofType(value) : null;
      if (role && role !== 'type' && of) {
        const from = bodyAt + pair.index;
        map[role] = parseTypeText(of);
        map[`${role}Text`] = of;
        map[`${role}Range`] = { start: at(from), end: at(from + pair[0].trimEnd().length) };
      }
    }
    model.maps.push(map);
  }
}
