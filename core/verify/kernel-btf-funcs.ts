import { readFileSync } from 'node:fs';
import { Btf, BtfError } from '../btf/btf-reader';

const VMLINUX_BTF = '/sys/kernel/btf/vmlinux';
let cached: Set<string> | null | undefined;

/** The names of the running kernel's BTF FUNCs (read once, only when a message needs one), or null when unreadable. */
function kernelFuncs(): Set<string> | null {
  if (cached !== undefined) return cached;
  try {
    const btf = new Btf(readFileSync(VMLINUX_BTF));
    cached = new Set(btf.types.filter((t) => t.kind === 'FUNC').map((t) => t.name));
  } catch (e) {
    if (!(e instanceof BtfError) && !(e as NodeJS.ErrnoException).code) throw e;
    cached = null;
  }
  return cached;
}

/**
 * Is `name` a function in the kernel's BTF? An LSM hook (`lsm/file_open`) is attached through `bpf_lsm_<hook>`.
 * null when the kernel's BTF cannot be read.
 */
export function kernelHasFunc(name: string, section: string | null): boolean | null {
  const funcs = kernelFuncs();
  if (!funcs) return null;
  return funcs.has(/^lsm(_cgroup)?(\.s)?\//.test(section ?? '') ? `bpf_lsm_${name}` : name);
}
