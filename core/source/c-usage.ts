import type { CFileModel, CTypeRef } from './c-model';
import type { WriteState } from './c-struct-writes';
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
  /** An event: whether its padding holds zeroes when it is sent (absent: not followed). */
  init?: WriteState;
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
  const wrappers = new Set([model, ...(model.headers ?? [])].flatMap((m) => m.reserveWrappers ?? []));
  for (const e of model.events) {
    if (e.via && !wrappers.has(e.via)) continue; // a call with a sizeof argument, to a function that reserves nothing
    const helper = e.helper.length > 60 ? `${e.helper.slice(0, 57)}...` : e.helper;
    uses.push({ role: 'event', type: e.type, why: `sent to user space by ${helper}${e.via ? ` (${e.via} reserves ring buffer space)` : ''}`, range: e.range, ...(e.init ? { init: e.init } : {}) });
  }
  return uses;
}

/** One place a struct's bytes are filled and where it is used, after following reserve wrappers and parameters. */
export interface FollowedWrite {
  init?: WriteState;
  range: Range;
}

/**
 * Where a variable's bytes really come from: a reserve wrapper's result is a ring buffer reservation; a parameter is
 * what the file's callers pass (each call site its own use, up to a few calls deep); anything else as it is.
 */
export function followWrites(model: CFileModel, init: WriteState | undefined, range: Range, depth = 0): FollowedWrite[] {
  if (init?.state === 'call') {
    const wrappers = new Set([model, ...(model.headers ?? [])].flatMap((m) => m.reserveWrappers ?? []));
    if (!wrappers.has(init.callee)) return [{ init: { state: 'unknown', why: init.why, at: init.at }, range }];
    return [{ init: { state: 'unwritten', why: `reserved by ${init.callee}(), whose ring buffer memory still holds an earlier record's bytes`, at: init.at }, range }];
  }
  if (init?.state === 'unknown' && init.filledBy && depth < 8) {
    const { fn, index } = init.filledBy;
    const units = [model, ...(model.headers ?? [])];
    const filled = units.flatMap((m) => m.paramWrites ?? []).find((p) => p.fn === fn && p.index === index);
    if (filled?.init.state === 'zeroed') return [{ init: { state: 'zeroed', why: `${filled.init.why} in ${fn}()`, at: init.at }, range }];
    return followWrites(model, init.prior, range, depth + 1); // the function does not zero it: as it was before the call
  }
  if (init?.state === 'unknown' && init.param && depth < 4) {
    const { fn, index } = init.param;
    const sites = (model.callArgs ?? []).filter((c) => c.callee === fn && c.index === index);
    if (sites.length > 0) return sites.flatMap((c) => followWrites(model, c.init, c.range, depth + 1));
  }
  return [{ init, range }];
}
