import type { Finding } from '../finding';
import { rangeAt } from './c-programs';
import type { UnsafeRule, UnsafeRuleContext } from './rule';

/** Maps whose key and value are file descriptors or ids, not data: sizes are what they take (BTF types add nothing). */
const FD_MAPS = /PERF_EVENT_ARRAY|PROG_ARRAY|CGROUP_ARRAY|ARRAY_OF_MAPS|HASH_OF_MAPS|DEVMAP|CPUMAP|XSKMAP|SOCKMAP|SOCKHASH|REUSEPORT_SOCKARRAY|RINGBUF|STACK_TRACE/;
/** Local storage maps, which the kernel creates only with BTF key and value types. */
const STORAGE_MAPS = /\bBPF_MAP_TYPE_(SK|INODE|TASK|CGRP)_STORAGE\b/;

/** sizeof() arguments that are certainly types (a variable name could be anything). */
const TYPE_LIKE = /^((struct|union|enum)\s+\w+|__[us](8|16|32|64)|[us](8|16|32|64)|\w+_t|(unsigned\s+)?(char|short|int|long|long long)|unsigned)$/;

/** A bpf_spin_lock or bpf_timer member of a struct this file defines: the kernel needs the map's BTF to find it. */
function specialField(ctx: UnsafeRuleContext, typeText: string): string | null {
  const name = /^(?:struct|union)\s+(\w+)$/.exec(typeText)?.[1] ?? typeText;
  const rec = [ctx.model, ...(ctx.model.headers ?? [])].flatMap((m) => m.records).find((r) => r.name === name || r.typedefName === name);
  const field = rec?.fields.find((f) => /\bbpf_(spin_lock|timer)\b/.test(f.typeText));
  return field ? /bpf_timer/.test(field.typeText) ? 'bpf_timer' : 'bpf_spin_lock' : null;
}

/**
 * Rule 10b: `__uint(key_size, ...)` / `__uint(value_size, ...)` in a BTF-style map, where `__type(key, T)` would give
 * the map BTF types. An info (the map works, without types: bpftool dumps hex and the layout rules cannot check it),
 * except for local storage maps, which the kernel refuses to create without them (an error).
 */
export const untypedMapMember: UnsafeRule = {
  id: 'untyped-map-member',
  description: '__uint(key_size/value_size, ...) where __type(key/value, T) would give the map BTF types.',
  defaultSeverity: 'info',
  check(ctx) {
    const out: Finding[] = [];
    const body = /\bstruct\s*\{([^{}]*)\}\s*(\w+)\s*SEC\s*\(\s*"\.maps"\s*\)/g;
    for (const m of ctx.source.matchAll(body)) {
      const type = /__uint\s*\(\s*type\s*,\s*(\w+)\s*\)/.exec(m[1])?.[1] ?? '';
      if (FD_MAPS.test(type)) continue;
      const storage = STORAGE_MAPS.test(type);
      const bodyAt = m.index + m[0].indexOf('{') + 1;
      let storageSaid = false;
      for (const member of m[1].matchAll(/__uint\s*\(\s*(key|value)_size\s*,\s*([^;]*?)\s*\)\s*;/g)) {
        const role = member[1];
        const from = bodyAt + member.index;
        const range = rangeAt(ctx.source, from, from + member[0].length);
        const t = /^sizeof\s*\(\s*([^()]+?)\s*\)$/.exec(member[2])?.[1];
        const typeText = t && TYPE_LIKE.test(t) ? t : null;
        const special = role === 'value' && typeText ? specialField(ctx, typeText) : null;
        const fixes = typeText ? () => [{ title: `Use __type(${role}, ${typeText})`, preferred: true, edits: [{ range, newText: `__type(${role}, ${typeText});` }] }] : undefined;
        if (special) {
          out.push({ rule: 'untyped-map-member', severity: 'error', range, fixes,
            message: `The kernel refuses ${m[2]}: its value ${typeText} holds a ${special}, and the verifier answers "map '${m[2]}' has to have BTF in order to use ${special}" ` +
              `(map creation fails first on kernels that check at creation). __uint(value_size, ...) gives only a size: use __type(value, ${typeText}).` });
          continue;
        }
        if (storage && storageSaid) continue; // one finding per storage map
        storageSaid ||= storage;
        out.push(storage ? { rule: 'untyped-map-member', severity: 'error', range, fixes,
          message: `The kernel refuses to create ${m[2]} (libbpf answers "map '${m[2]}': failed to create: Invalid argument(-22)"): ` +
            `${type.replace('BPF_MAP_TYPE_', '').toLowerCase()} maps need BTF key and value types, and __uint(${role}_size, ...) gives only a size. Use __type(key, int) and __type(value, T).` }
          : { rule: 'untyped-map-member', severity: 'info', range, fixes,
            message: `__uint(${role}_size, ${member[2]}) gives ${m[2]} a ${role} size but no BTF type: the map works, but bpftool dumps it as hex, ` +
              `bpf_spin_lock/bpf_timer/kptr fields in it are refused ("map '${m[2]}' has to have BTF in order to use bpf_spin_lock"), and the layout rules ` +
              `cannot check its ${role}. Use __type(${role}, ${typeText ?? 'T'}).` });
      }
    }
    return out;
  },
};
