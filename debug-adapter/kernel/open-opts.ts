/**
 * `struct bpf_object_open_opts` as each libbpf version lays it out. libbpf reads only `sz` bytes of it, so the
 * struct we pass must be the one of the running version: 80 bytes up to 1.3, 88 from 1.4 (`bpf_token_path`).
 */
import type * as Koffi from 'koffi';

export interface OpenOptsLayout {
  name: string;
  size: number;
  fields: Record<string, string>;
}

const V1_0: Record<string, string> = {
  sz: 'size_t', object_name: 'const char *', relaxed_maps: 'bool', pin_root_path: 'const char *',
  __unused_attach_prog_fd: 'uint32_t', // the anonymous `__u32 :32;` must be spelled out
  kconfig: 'const char *', btf_custom_path: 'const char *',
  kernel_log_buf: 'void *', kernel_log_size: 'size_t', kernel_log_level: 'uint32_t',
};

export function openOptsLayout(major: number, minor: number): OpenOptsLayout {
  if (major > 1 || (major === 1 && minor >= 4)) {
    return { name: 'bpf_object_open_opts_1_4', size: 88, fields: { ...V1_0, bpf_token_path: 'const char *' } };
  }
  return { name: 'bpf_object_open_opts_1_0', size: 80, fields: V1_0 };
}

/** Declare the layout with koffi and check it against the C sizes and offsets we rely on. */
export function declareOpenOpts(koffi: typeof Koffi, layout: OpenOptsLayout): Koffi.TypeObject {
  const t = koffi.struct(layout.name, layout.fields);
  const checks: [string, number][] = [['kernel_log_buf', 56], ['kernel_log_size', 64], ['kernel_log_level', 72]];
  if ('bpf_token_path' in layout.fields) checks.push(['bpf_token_path', 80]);
  for (const [field, offset] of checks) {
    if (koffi.offsetof(t, field) !== offset) throw new Error(`${layout.name}.${field} is at ${koffi.offsetof(t, field)}, expected ${offset}`);
  }
  if (koffi.sizeof(t) !== layout.size) throw new Error(`${layout.name} is ${koffi.sizeof(t)} bytes, expected ${layout.size}`);
  return t;
}
