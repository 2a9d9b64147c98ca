import type { Btf } from '../../btf/btf-reader';

/** The name BTF gives argument `arg` (1-based) of function `fn`: `s` in `int account(struct stats *s, __u32 len)`. */
export function functionParam(btf: Btf | null | undefined, fn: string, arg: number): string | null {
  if (!btf) return null;
  const func = btf.types.find((t) => t.kind === 'FUNC' && t.name === fn);
  const proto = func ? btf.types[func.sizeOrType] : undefined;
  const name = proto?.kind === 'FUNC_PROTO' ? proto.params?.[arg - 1]?.name : undefined;
  return name && /^[A-Za-z_]\w*$/.test(name) ? name : null;
}
