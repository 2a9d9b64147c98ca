/**
 * How much kernel memory the maps of an object will take when libbpf creates them, read from the object's map
 * definitions (BTF `.maps`) and global-data sections. An estimate close to the kernel's own accounting for the map
 * types that preallocate (arrays, hashes, ring buffers, queues); maps that allocate per element on update
 * (LPM tries, local storage, no-prealloc hashes) count their bucket arrays only, because verifying a program
 * never inserts an element.
 */
import type { Btf, BtfType } from './btf-reader';

export interface MapEstimate { name: string; type: number; bytes: number }

const BPF_F_NO_PREALLOC = 1;
const PAGE = 4096;
const HTAB_ELEM = 48; // struct htab_elem before the key (hash node, hash, LRU/free-list links)
const round8 = (n: number) => Math.ceil(n / 8) * 8;
const pow2 = (n: number) => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)));

interface MapDef { type: number; keySize: number; valueSize: number; maxEntries: number; flags: number; extra: number; inner?: MapDef }

function skip(btf: Btf, id: number): BtfType | undefined {
  let t = btf.type(id);
  for (let depth = 0; t && depth < 32 && ['TYPEDEF', 'VOLATILE', 'CONST', 'RESTRICT', 'TYPE_TAG'].includes(t.kind); depth++) t = btf.type(t.sizeOrType);
  return t;
}

/** Byte size of a type, bounded (arrays of arrays of ...), or 0 if it has none. */
export function typeSize(btf: Btf, id: number, depth = 0): number {
  const t = skip(btf, id);
  if (!t || depth > 32) return 0;
  switch (t.kind) {
    case 'INT': case 'ENUM': case 'ENUM64': case 'STRUCT': case 'UNION': case 'FLOAT': case 'DATASEC': return t.sizeOrType;
    case 'PTR': return 8;
    case 'ARRAY': return t.array!.nelems * typeSize(btf, t.array!.type, depth + 1);
    default: return 0;
  }
}

/** `__uint(name, N)` is `int (*name)[N]`; `__type(name, T)` is `T *name`; `__array(values, struct inner)` is `struct inner *values[]`. */
function readDef(btf: Btf, structId: number, depth = 0): MapDef | null {
  const t = skip(btf, structId);
  if (!t || t.kind !== 'STRUCT' || depth > 2) return null;
  const def: MapDef = { type: 0, keySize: 0, valueSize: 0, maxEntries: 0, flags: 0, extra: 0 };
  for (const m of t.members ?? []) {
    const ptr = skip(btf, m.type);
    if (ptr?.kind === 'ARRAY' && m.name === 'values') {
      const elem = skip(btf, ptr.array!.type);
      if (elem?.kind === 'PTR') def.inner = readDef(btf, elem.sizeOrType, depth + 1) ?? undefined;
      continue;
    }
    if (ptr?.kind !== 'PTR') continue;
    const target = skip(btf, ptr.sizeOrType);
    const uint = target?.kind === 'ARRAY' ? target.array!.nelems : 0;
    switch (m.name) {
      case 'type': def.type = uint; break;
      case 'max_entries': def.maxEntries = uint; break;
      case 'map_flags': def.flags = uint; break;
      case 'map_extra': def.extra = uint; break;
      case 'key_size': def.keySize = uint; break;
      case 'value_size': def.valueSize = uint; break;
      case 'key': def.keySize = typeSize(btf, ptr.sizeOrType); break;
      case 'value': def.valueSize = typeSize(btf, ptr.sizeOrType); break;
      default: break;
    }
  }
  return def;
}

/** The kernel memory one map takes, following each map type's allocation in kernel/bpf/. */
export function mapBytes(def: MapDef, cpus: number): number {
  const { keySize: k, valueSize: v, maxEntries: n } = def;
  const prealloc = (def.flags & BPF_F_NO_PREALLOC) === 0;
  const buckets = pow2(n) * 16;
  switch (def.type) {
    case 1: case 9: case 13: // hash, LRU hash, hash of maps
      return buckets + (prealloc ? n * (HTAB_ELEM + round8(k) + round8(v)) : 0);
    case 5: case 10: // per-CPU hash, LRU per-CPU hash
      return buckets + (prealloc ? n * (HTAB_ELEM + round8(k) + 8 + round8(v) * cpus) : 0);
    case 2: return n * round8(v); // array
    case 6: return n * round8(v) * cpus; // per-CPU array
    case 3: case 4: case 8: case 12: case 14: case 15: case 16: case 17: case 18: case 20: return n * 8; // arrays of pointers
    case 25: return buckets; // devmap hash
    case 7: return buckets + n * (round8(v) + 16); // stack trace
    case 22: case 23: return (n + 1) * v; // queue, stack
    case 27: case 31: return n + 2 * PAGE; // ring buffers: data pages plus the producer and consumer pages
    case 30: { // bloom filter: a bitmap of n * hashes / ln 2 bits, rounded up to a power of two
      const hashes = def.extra & 0xf || 5;
      return pow2(Math.ceil((n * hashes) / Math.LN2)) / 8;
    }
    case 26: return v; // struct_ops
    default: return 0; // LPM trie, cgroup/sk/inode/task storage, arena: allocated on update or on fault
  }
}

/** Every map libbpf will create for the object: BTF-defined maps (and their inner maps) and global data. */
export function estimateMapMemory(btf: Btf | null, dataSections: { name: string; size: number }[], cpus: number): MapEstimate[] {
  const out: MapEstimate[] = [];
  for (const s of dataSections) out.push({ name: s.name, type: 2, bytes: round8(s.size) });
  const maps = btf?.types.find((t) => t.kind === 'DATASEC' && t.name === '.maps');
  for (const v of maps?.datasec ?? []) {
    const variable = btf!.type(v.type);
    if (variable?.kind !== 'VAR') continue;
    const def = readDef(btf!, variable.sizeOrType);
    if (!def) continue;
    out.push({ name: variable.name, type: def.type, bytes: mapBytes(def, cpus) });
    if (def.inner) out.push({ name: `${variable.name}.inner`, type: def.inner.type, bytes: mapBytes(def.inner, cpus) });
  }
  return out;
}

/** libbpf turns these sections into array maps (one element of the section's size). */
export function isGlobalDataSection(name: string): boolean {
  return /^\.(data|rodata|bss)(\.|$)/.test(name) || name === '.kconfig';
}
