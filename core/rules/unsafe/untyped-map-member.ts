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
      const sized = [...m[1].matchAll(/__uint\s*\(\s*(key|value)_size\s*,\s*([^;]*?)\s*\)\s*;/g)].map((member) => {
        const from = bodyAt + member.index;
        const t = /^sizeof\s*\(\s*([^()]+?)\s*\)$/.exec(member[2])?.[1];
        return { role: member[1], size: member[2], range: rangeAt(ctx.source, from, from + member[0].length), typeText: t && TYPE_LIKE.test(t) ? t : null };
      });
      const typed = (ms: typeof sized) => ms.every((x) => x.typeText)
        ? () => [{ title: ms.map((x) => `Use __type(${x.role}, ${x.typeText})`).join(', '), preferred: true,
          edits: ms.map((x) => ({ range: x.range, newText: `__type(${x.role}, ${x.typeText});` })) }]
        : undefined;
      if (storage && sized.length > 0) {
        // one finding per storage map, whose fix types every sized member (the kernel wants both)
        out.push({ rule: 'untyped-map-member', severity: 'error', range: sized[0].range, fixes: typed(sized),
          message: `The kernel refuses to create ${m[2]} (libbpf answers "map '${m[2]}': failed to create: Invalid argument(-22)"): ` +
            `${type.replace('BPF_MAP_TYPE_', '').toLowerCase()} maps need BTF key and value types, and __uint(${sized[0].role}_size, ...) gives only a size. ` +
            'Use __type(key, int) and __type(value, T).' });
        continue;
      }
      for (const x of sized) {
        const special = x.role === 'value' && x.typeText ? specialField(ctx, x.typeText) : null;
        out.push(special ? { rule: 'untyped-map-member', severity: 'error', range: x.range, fixes: typed([x]),
          message: `The kernel refuses ${m[2]}: its value ${x.typeText} holds a ${special}, and the verifier answers "map '${m[2]}' has to have BTF in order to use ${special}" ` +
            `(map creation fails first on kernels that check at creation). __uint(value_size, ...) gives only a size: use __type(value, ${x.typeText}).` }
          : { rule: 'untyped-map-member', severity: 'info', range: x.range, fixes: typed([x]),
            message: `__uint(${x.role}_size, ${x.size}) gives ${m[2]} a ${x.role} size but no BTF type: the map works, but bpftool dumps it as hex, ` +
              `bpf_spin_lock/bpf_timer/kptr fields in it are refused ("map '${m[2]}' has to have BTF in order to use bpf_spin_lock"), and the layout rules ` +
              `cannot check its ${x.role}. Use __type(${x.role}, ${x.typeText ?? 'T'}).` });
      }
    }
    return out;
  },
};
