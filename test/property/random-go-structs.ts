import { rng } from '../fuzz/log-mutator';

const SCALARS = ['bool', 'int8', 'uint8', 'byte', 'int16', 'uint16', 'int32', 'uint32', 'rune', 'float32', 'int64', 'uint64',
  'float64', 'int', 'uint', 'uintptr', 'complex64', 'complex128', 'string'];
const OTHERS = ['*int', '[]byte', 'map[string]int', 'interface{}', 'func()', 'chan int'];
/** Predeclared interfaces and standard-library types, laid out from GOROOT's sources (the same on amd64 and arm64). */
const STD = ['any', 'error', 'time.Duration', 'time.Time', 'time.Month', 'sync.Mutex', 'sync.RWMutex', 'sync.Once', 'sync.WaitGroup',
  'netip.Addr', 'netip.AddrPort', 'netip.Prefix', 'atomic.Int64', 'atomic.Uint32', 'atomic.Bool', 'bytes.Buffer', 'strings.Builder'];
/** The imports STD needs, each used once so the file compiles whichever types were drawn. */
export const STD_IMPORTS = { types: STD, imports: ['bytes', 'net/netip', 'strings', 'sync', 'sync/atomic', 'time'],
  uses: 'var _ bytes.Buffer\nvar _ netip.Addr\nvar _ strings.Builder\nvar _ sync.Mutex\nvar _ atomic.Int64\nvar _ time.Duration\n' };

/**
 * Go source with `count` random struct types (each may nest earlier ones), fields F0.., some blank; with `std`, a
 * share of the fields are `any`, `error` or standard-library types (STD_IMPORTS has the imports they need).
 */
export function randomGoStructs(count: number, seed: number, std = false): { types: string; names: string[]; fields: Map<string, string[]> } {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const names: string[] = [];
  const fields = new Map<string, string[]>();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `T${i}`;
    const list: string[] = [];
    const decl: string[] = [];
    const n = 1 + Math.floor(r() * 6);
    for (let f = 0; f < n; f++) {
      const roll = r();
      let type: string;
      if (roll < 0.45) type = pick(SCALARS);
      else if (roll < 0.55) type = std && r() < 0.6 ? pick(STD) : pick(OTHERS);
      else if (roll < 0.7) type = `[${1 + Math.floor(r() * 4)}]${std && r() < 0.2 ? pick(STD) : pick(SCALARS)}`;
      else if (roll < 0.82 && names.length > 0) type = pick(names);
      else if (roll < 0.9) type = `struct{ X ${pick(SCALARS)}; Y ${pick(SCALARS)} }`;
      else type = 'struct{}';
      const blank = r() < 0.1;
      decl.push(`\t${blank ? '_' : `F${f}`} ${type}`);
      if (!blank) list.push(`F${f}`);
    }
    out.push(`type ${name} struct {\n${decl.join('\n')}\n}`);
    names.push(name);
    fields.set(name, list);
  }
  return { types: out.join('\n\n'), names, fields };
}
