import type { Finding } from '../finding';
import { rangeAt } from './c-programs';
import type { UnsafeRule } from './rule';

const LEGACY = /\bstruct\s+bpf_map_def\s+(?:SEC\s*\(\s*"maps"\s*\)\s*(\w+)|(\w+)\s*SEC\s*\(\s*"maps"\s*\))\s*=\s*\{([^}]*)\}\s*;/g;

/**
 * Rule 10a: `struct bpf_map_def SEC("maps")`, the map definition libbpf 1.0 dropped. libbpf-based loaders refuse the
 * whole object; cilium/ebpf and libbpf before 1.0 still read it, so this is a warning, with the BTF-style definition
 * as the fix (which also gives the map BTF key and value types the layout rules can check).
 */
export const legacyMap: UnsafeRule = {
  id: 'legacy-map',
  description: 'struct bpf_map_def SEC("maps"): refused by libbpf 1.0 and later.',
  defaultSeverity: 'warning',
  check(ctx) {
    const out: Finding[] = [];
    for (const m of ctx.source.matchAll(LEGACY)) {
      const name = m[1] ?? m[2];
      const range = rangeAt(ctx.source, m.index, m.index + m[0].length);
      const fields = new Map([...m[3].matchAll(/\.(\w+)\s*=\s*([^,\n]+?)\s*(?:,|$)/gm)].map((f) => [f[1], f[2].trim()]));
      const btf = btfStyle(name, fields);
      out.push({ rule: 'legacy-map', severity: 'warning', range: rangeAt(ctx.source, m.index, m.index + m[0].indexOf('{')),
        fixes: btf ? () => [{ title: 'Define the map BTF-style (SEC(".maps"))', preferred: true, edits: [{ range, newText: btf }] }] : undefined,
        message: `libbpf 1.0 and later refuse this object: "libbpf: elf: legacy map definitions in 'maps' section are not supported by libbpf v1.0+". ` +
          `struct bpf_map_def SEC("maps") carries only sizes, no types (libbpf before 1.0 and cilium/ebpf still load it). Define ${name} BTF-style: ` +
          `struct { __uint(type, ...); __type(key, K); __type(value, V); __uint(max_entries, N); } ${name} SEC(".maps");` });
    }
    return out;
  },
};

/** The BTF-style definition, when every field is one the BTF form expresses (sizes given as sizeof(T) become types). */
function btfStyle(name: string, fields: Map<string, string>): string | null {
  const lines: string[] = [];
  for (const [field, value] of fields) {
    const sized = /^(key|value)_size$/.exec(field);
    if (sized) {
      const t = /^sizeof\s*\(\s*([^()]+?)\s*\)$/.exec(value);
      lines.push(t ? `__type(${sized[1]}, ${t[1]});` : `__uint(${field}, ${value});`);
    } else if (field === 'type' || field === 'max_entries' || field === 'map_flags') lines.push(`__uint(${field}, ${value});`);
    else return null; // inner_map_idx, numa_node: no one-to-one BTF member
  }
  return `struct {\n${lines.map((l) => `\t${l}`).join('\n')}\n} ${name} SEC(".maps");`;
}
