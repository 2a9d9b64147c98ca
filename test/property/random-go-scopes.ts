import { rng } from '../fuzz/log-mutator';

/** What a receiver named `m` is where a call uses it. */
type Recv = 'ebpf' | 'sync' | 'cache';
const RECV_TYPE: Record<Recv, string> = { ebpf: '*ebpf.Map', sync: '*sync.Map', cache: '*cache' };

/**
 * Random Go functions that declare and shadow `m` (a cilium/ebpf map, a sync.Map or a local cache with Put and
 * Lookup) and `k` (one of the structs S0..S{n}) in nested blocks, ifs, loops and closures, at package level and as
 * parameters, and call `m.Put(&k, ...)`, `m.Lookup(..., &k)` and `m.Delete(&k)`. The generator knows the type of
 * each name at each call, so it knows which structs reach the kernel and which are decoded from it.
 */
export function randomGoScopes(functions: number, seed: number, structs = 8): { source: string; encoded: Set<string>; decoded: Set<string> } {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const recvs: Recv[] = ['ebpf', 'sync', 'cache'];
  const types = Array.from({ length: structs }, (_, i) => `S${i}`);
  const encoded = new Set<string>();
  const decoded = new Set<string>();
  const out: string[] = [];
  const globalRecv = pick(recvs);
  const globalKey = pick(types);
  out.push(`var m ${RECV_TYPE[globalRecv]}\n\nvar k ${globalKey}\n`);

  /** A block's statements; `declared`: the names this block has declared already (Go refuses a second declaration). */
  const body = (env: { m: Recv; k: string }, depth: number, indent: string, declared = new Set<string>()): string[] => {
    const lines: string[] = [];
    const cur = { ...env };
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      let roll = r();
      if ((roll < 0.25 && declared.has('m')) || (roll >= 0.25 && roll < 0.5 && declared.has('k'))) roll = depth >= 3 ? 0.6 : 0.9; // shadow in a new block instead
      if (roll < 0.25) {
        declared.add('m');
        cur.m = pick(recvs);
        lines.push(`${indent}${r() < 0.5 ? `var m ${RECV_TYPE[cur.m]}` : `m := new(${RECV_TYPE[cur.m].slice(1)})`}`, `${indent}_ = m`);
      } else if (roll < 0.5) {
        declared.add('k');
        cur.k = pick(types);
        lines.push(`${indent}${pick([`var k ${cur.k}`, `k := ${cur.k}{}`, `var k = ${cur.k}{}`])}`, `${indent}_ = k`);
      } else if (roll < 0.8 || depth >= 3) {
        const canMap = cur.m !== 'sync';
        const call = canMap ? pick(['put', 'lookup', 'delete']) : 'delete';
        if (call === 'put') lines.push(`${indent}_ = m.Put(&k, uint32(0))`);
        else if (call === 'lookup') lines.push(`${indent}_ = m.Lookup(uint32(0), &k)`);
        else lines.push(`${indent}m.Delete(&k)`);
        if (cur.m === 'ebpf') (call === 'lookup' ? decoded : encoded).add(cur.k);
      } else {
        const inner = body(cur, depth + 1, `${indent}\t`);
        const open = pick(['{', 'if true {', 'for i := 0; i < 1; i++ {', 'func() {']);
        lines.push(`${indent}${open}`, ...inner, `${indent}}${open === 'func() {' ? '()' : ''}`);
      }
    }
    return lines;
  };

  for (let f = 0; f < functions; f++) {
    const env = { m: globalRecv, k: globalKey };
    const params: string[] = [];
    const declared = new Set<string>();
    if (r() < 0.4) { env.m = pick(recvs); params.push(`m ${RECV_TYPE[env.m]}`); declared.add('m'); }
    if (r() < 0.4) { env.k = pick(types); params.push(`k ${env.k}`); declared.add('k'); }
    out.push(`func f${f}(${params.join(', ')}) {\n${body(env, 0, '\t', declared).join('\n')}\n}\n`);
  }
  const decls = types.map((t) => `type ${t} struct {\n\tA uint32\n\tB uint64\n}\n`).join('\n');
  const cache = 'type cache struct{}\n\nfunc (*cache) Put(k, v interface{}) error { return nil }\n\nfunc (*cache) Lookup(k, v interface{}) error { return nil }\n\nfunc (*cache) Delete(k interface{}) error { return nil }\n';
  const source = `package main\n\nimport (\n\t"sync"\n\n\t"github.com/cilium/ebpf"\n)\n\n${decls}\n${cache}\n${out.join('\n')}\nfunc main() {}\n\nvar _ ebpf.Map\n\nvar _ sync.Map\n`;
  return { source, encoded, decoded };
}
