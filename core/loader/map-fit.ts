/**
 * Maps as cilium/ebpf would create them (issue 15), decided from what libbpf opened, before the load:
 * - RINGBUF / USER_RINGBUF with a declared key or value type: cilium/ebpf drops key, value and BTF (the kernel
 *   wants sizes 0 and no BTF types), libbpf 1.1 passes them and the kernel refuses the map. Created without them.
 * - PERF_EVENT_ARRAY with a declared value type: cilium/ebpf uses 4-byte keys and values (the kernel's only choice).
 * - max_entries 0 where the kernel needs more (user space sizes the map before loading): a stated default, noted.
 * Storage maps (sk/inode/task/cgroup storage) need max_entries 0 and are left alone.
 */
export interface OpenedMap {
  name: string;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  btfKeyTypeId: number;
  btfValueTypeId: number;
}

export interface MapFit {
  /** Create the map without BTF types (bpf_map_create + bpf_map__reuse_fd), with these sizes. */
  createPlain?: { keySize: number; valueSize: number; maxEntries: number };
  /** Setter calls on the map before the load. */
  set?: { keySize?: number; valueSize?: number; maxEntries?: number };
  note: string;
}

export const MAP_TYPE = { HASH: 1, ARRAY: 2, PERF_EVENT_ARRAY: 4, CGROUP_STORAGE: 19, PERCPU_CGROUP_STORAGE: 21, SK_STORAGE: 24, STRUCT_OPS: 26, RINGBUF: 27, INODE_STORAGE: 28, TASK_STORAGE: 29, USER_RINGBUF: 31, CGRP_STORAGE: 32, ARENA: 33 } as const;

const NO_MAX_ENTRIES = new Set<number>([MAP_TYPE.CGROUP_STORAGE, MAP_TYPE.PERCPU_CGROUP_STORAGE, MAP_TYPE.SK_STORAGE, MAP_TYPE.INODE_STORAGE, MAP_TYPE.TASK_STORAGE, MAP_TYPE.CGRP_STORAGE, MAP_TYPE.STRUCT_OPS, MAP_TYPE.ARENA]);
/** A ring buffer's size when the object leaves it to user space: the smallest the kernel takes (one page). */
const RINGBUF_DEFAULT = 4096;

/** What to change on one map so the kernel accepts it as cilium/ebpf would create it; null: nothing. */
export function fitMap(m: OpenedMap, cpus: number): MapFit | null {
  if (m.type === MAP_TYPE.RINGBUF || m.type === MAP_TYPE.USER_RINGBUF) {
    const typed = m.keySize !== 0 || m.valueSize !== 0 || m.btfKeyTypeId !== 0 || m.btfValueTypeId !== 0;
    const unsized = m.maxEntries === 0;
    if (!typed && !unsized) return null;
    const maxEntries = unsized ? RINGBUF_DEFAULT : m.maxEntries;
    return {
      createPlain: { keySize: 0, valueSize: 0, maxEntries },
      note: [
        typed ? `ring buffer '${m.name}' declares a key or value type (key_size ${m.keySize}, value_size ${m.valueSize}): created without them, as cilium/ebpf does (the kernel refuses typed ring buffers)` : '',
        unsized ? `ring buffer '${m.name}' has max_entries 0 (sized by user space): verified with ${maxEntries} bytes` : '',
      ].filter(Boolean).join('; '),
    };
  }
  if (m.type === MAP_TYPE.PERF_EVENT_ARRAY) {
    const set: NonNullable<MapFit['set']> = {};
    const notes: string[] = [];
    if (m.keySize !== 4 || m.valueSize !== 4) {
      set.keySize = 4;
      set.valueSize = 4;
      notes.push(`perf event array '${m.name}' declares key_size ${m.keySize}, value_size ${m.valueSize}: created with 4 and 4, as cilium/ebpf does (the kernel's only sizes)`);
    }
    if (m.maxEntries === 0) {
      set.maxEntries = cpus;
      notes.push(`perf event array '${m.name}' has max_entries 0 (sized by user space): verified with the number of CPUs, ${cpus}`);
    }
    return notes.length > 0 ? { set, note: notes.join('; ') } : null;
  }
  if (m.maxEntries === 0 && !NO_MAX_ENTRIES.has(m.type)) {
    return { set: { maxEntries: 1 }, note: `map '${m.name}' has max_entries 0 (sized by user space before loading): verified with max_entries 1` };
  }
  return null;
}

const TYPE_NAMES: Record<number, string> = { 1: 'hash', 2: 'array', 3: 'prog array', 4: 'perf event array', 5: 'percpu hash', 6: 'percpu array', 9: 'LRU hash', 11: 'LPM trie', 12: 'array of maps', 13: 'hash of maps', 27: 'ring buffer' };

/**
 * When the kernel still refuses a map: the map, the attribute and the likely cause, from what libbpf opened.
 * `failure` is libbpf's `map 'x': failed to create: …` line.
 */
export function mapCreateDiagnosis(maps: OpenedMap[], failure: string): string | null {
  const name = /map '([^']*)': failed to create/.exec(failure)?.[1];
  const m = maps.find((x) => x.name === name);
  if (!m) return null;
  const attrs = `type ${TYPE_NAMES[m.type] ?? m.type}, key_size ${m.keySize}, value_size ${m.valueSize}, max_entries ${m.maxEntries}`;
  const cause = m.valueSize === 0 && m.type !== MAP_TYPE.RINGBUF && m.type !== MAP_TYPE.USER_RINGBUF && !NO_MAX_ENTRIES.has(m.type)
    ? 'value_size 0: the map\'s value size is set by user space before loading; declare __type(value, …) or __uint(value_size, N)'
    : m.keySize === 0 && (m.type === MAP_TYPE.HASH || m.type === 5 || m.type === 9 || m.type === 10 || m.type === 11)
      ? 'key_size 0: a hash map needs a key; declare __type(key, …) or __uint(key_size, N)'
      : /Cannot allocate|-12\b|Operation not permitted|-1\)/.test(failure)
        ? `max_entries ${m.maxEntries}: the map's memory (or the memory cgroup's limit) is too large for this loader`
        : 'an attribute this kernel does not accept for this map type (map_flags, sizes, or a BTF type the kernel refuses)';
  return `The kernel refused to create map '${m.name}' (${attrs}): likely cause: ${cause}.`;
}
