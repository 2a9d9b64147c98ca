import { versionOlder } from '../util/version';
import type { BpfObject } from '../source-map/bpf-object';

/**
 * Features an object uses that need a libbpf newer than some: when the loaded libbpf is older, the report says
 * which feature and the version that has it (instead of "not a BPF object libbpf can open").
 */
export interface LibbpfFeature { feature: string; since: string }

const MAP_TYPE_ARENA = 33;

/** The libbpf versions an object needs, from its sections, BTF map definitions and decl tags. */
export function neededLibbpfFeatures(obj: BpfObject): LibbpfFeature[] {
  const out: LibbpfFeature[] = [];
  const sections = new Set(obj.elf.sections.map((s) => s.name));
  if ([...sections].some((s) => s.startsWith('.struct_ops.link'))) out.push({ feature: 'struct_ops maps with links (SEC(".struct_ops.link"))', since: '1.2' });
  if (sections.has('.addr_space.1')) out.push({ feature: 'arena globals (__arena, .addr_space.1)', since: '1.4' });
  const btf = obj.btf;
  if (!btf) return out;
  if (btf.types.some((t) => t.kind === 'DECL_TAG' && t.name.startsWith('exception_callback:'))) {
    out.push({ feature: 'exception callbacks (__exception_cb)', since: '1.3' });
  }
  // BTF-defined maps: `__uint(type, N)` is a member `type` pointing to an array of N elements
  const maps = btf.types.find((t) => t.kind === 'DATASEC' && t.name === '.maps');
  for (const v of maps?.datasec ?? []) {
    const def = btf.type(btf.type(v.type)?.sizeOrType ?? 0);
    const member = def?.members?.find((m) => m.name === 'type');
    const arr = member ? btf.type(btf.type(member.type)?.sizeOrType ?? 0) : undefined;
    if (arr?.array?.nelems === MAP_TYPE_ARENA) {
      out.push({ feature: `arena maps (BPF_MAP_TYPE_ARENA, map '${btf.type(v.type)?.name ?? '?'}')`, since: '1.4' });
      break;
    }
  }
  return out;
}

/** One sentence per feature the loaded libbpf lacks, or [] when it has them all. */
export function missingLibbpfFeatures(obj: BpfObject, loaded: string): string[] {
  return neededLibbpfFeatures(obj).filter((f) => versionOlder(loaded, f.since))
    .map((f) => `The object uses ${f.feature}, which needs libbpf ${f.since} or newer; the loader's libbpf is ${loaded}. `
      + 'Build a current one with `bash scripts/build-libbpf.sh` (setup does), or point EBPF_DEBUGGER_LIBBPF at a newer libbpf.so.1.');
}
