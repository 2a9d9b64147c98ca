import type { CFileModel, CTypeRef } from './c-model';
import type { Range } from './range';

/** Why a C struct's bytes matter beyond the program: it is a map key or value, or an event sent to user space. */
export interface CStructUse {
  role: 'key' | 'value' | 'event';
  type: CTypeRef;
  /** `key of map 'flows' (BPF_MAP_TYPE_HASH)`, `sent to user space by bpf_ringbuf_reserve(...)`. */
  why: string;
  mapName?: string;
  mapType?: string | null;
  /** Where the use is written: the `__type(...)`, `.key_size = ...` or the helper call. */
  range: Range;
}

/** Every place a C file hands a struct to the kernel's maps or to user space, in source order of the maps, then events. */
export function cStructUses(model: CFileModel): CStructUse[] {
  const uses: CStructUse[] = [];
  for (const map of model.maps) {
    for (const role of ['key', 'value'] as const) {
      const type = map[role];
      if (!type) continue;
      uses.push({ role, type, why: `${role} of map '${map.name}'${map.mapType ? ` (${map.mapType})` : ''}`, mapName: map.name, mapType: map.mapType,
        range: map[`${role}Range`] ?? map.range });
    }
  }
  for (const e of model.events) {
    const helper = e.helper.length > 60 ? `${e.helper.slice(0, 57)}...` : e.helper;
    uses.push({ role: 'event', type: e.type, why: `sent to user space by ${helper}`, range: e.range });
  }
  return uses;
}
