import { canonicalScalar } from '../layout/c-primitives';
import type { CTypeRef } from './c-model';

/** Parse a type as written inside `__type(key, ...)`: `struct k`, `__u32`, `unsigned long long`, `T *`. */
export function parseTypeText(text: string): CTypeRef {
  let t = text.replace(/\b(const|volatile)\b/g, ' ').replace(/\s+/g, ' ').trim();
  let pointers = 0;
  while (t.endsWith('*')) {
    pointers++;
    t = t.slice(0, -1).trim();
  }
  const rec = /^(struct|union|enum)\s+(\w+)$/.exec(t);
  let type: CTypeRef = rec
    ? rec[1] === 'enum' ? { kind: 'enum', name: rec[2] } : { kind: 'record', tag: rec[1] as 'struct' | 'union', name: rec[2] }
    : { kind: 'named', name: canonicalScalar(t.split(' ')) };
  for (let i = 0; i < pointers; i++) type = { kind: 'pointer', to: type };
  return type;
}

/** A compact, comparable spelling of a type (no definitions), for recording what a fragment read. */
export function typeKey(t: CTypeRef | undefined): string {
  if (!t) return '-';
  switch (t.kind) {
    case 'named': return t.name;
    case 'record': return `${t.tag} ${t.name ?? '{}'}`;
    case 'enum': return `enum ${t.name ?? '{}'}`;
    case 'pointer': return `${typeKey(t.to)}*`;
    case 'array': return `${typeKey(t.of)}[${t.lengthText}]`;
  }
}
