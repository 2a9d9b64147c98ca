/**
 * Strict validation of a .BTF section before libbpf parses it. libbpf 1.1 checks sizes but not type references
 * (a member naming type 9999 makes it dereference NULL), so every reference, string, size and kind-specific field
 * is checked here, and types that contain themselves by value (not through a pointer) are refused.
 */
import { Btf, BtfError, type BtfType } from './btf-reader';

const fail = (what: string): never => { throw new BtfError(`.BTF: ${what}`); };
const INT_SIZES = new Set([1, 2, 4, 8, 16]);
const ENUM_SIZES = new Set([1, 2, 4, 8]);
const FLOAT_SIZES = new Set([2, 4, 8, 12, 16]);
const MAX_NAME_OFFSET = 0xffffff;

function checkHeader(data: Buffer): void {
  if (data.length < 24) fail('shorter than its header');
  if (data.readUInt16LE(0) !== 0xeb9f) fail('bad magic number');
  if (data[2] !== 1) fail(`version ${data[2]}, not 1`);
  if (data[3] !== 0) fail(`header flags ${data[3]}, not 0`);
  const hdrLen = data.readUInt32LE(4);
  const [typeOff, typeLen, strOff, strLen] = [8, 12, 16, 20].map((o) => data.readUInt32LE(o));
  if (hdrLen !== 24) fail(`header length ${hdrLen}, not 24`);
  if (typeOff !== 0 || typeLen % 4 !== 0 || strOff !== typeLen) fail('the type and string sections are not laid out one after the other');
  if (hdrLen + strOff + strLen !== data.length) fail('the string section does not end where the section does');
  if (strLen === 0 || strLen > MAX_NAME_OFFSET + 1) fail(`a string section of ${strLen} bytes`);
  if (data[hdrLen + strOff] !== 0 || data[hdrLen + strOff + strLen - 1] !== 0) fail('the string section does not start and end with NUL');
}

/** Parse and validate; the returned Btf is safe to hand to the rest of the readers (and to libbpf). */
export function validateBtf(data: Buffer): Btf {
  checkHeader(data);
  const btf = new Btf(data);
  const strLen = data.readUInt32LE(20);
  const raw = rawInfo(data, btf);
  const n = btf.types.length;
  const ref = (t: BtfType, id: number, what: string, voidOk = true) => {
    if (id >= n || (!voidOk && id === 0)) fail(`type ${t.id} (${t.kind}) ${what} type ${id}, which ${id === 0 ? 'cannot be void here' : 'does not exist'}`);
  };
  for (const t of btf.types.slice(1)) {
    const { nameOff, info } = raw[t.id];
    if (nameOff >= strLen) fail(`type ${t.id} has a name outside the string section`);
    if ((info & 0x60ff0000) !== 0) fail(`type ${t.id} sets reserved info bits`);
    const kindFlagOk = ['STRUCT', 'UNION', 'FWD', 'ENUM', 'ENUM64'].includes(t.kind);
    if (t.kindFlag && !kindFlagOk) fail(`type ${t.id} (${t.kind}) sets kind_flag`);
    const noVlen = ['INT', 'PTR', 'ARRAY', 'FWD', 'TYPEDEF', 'VOLATILE', 'CONST', 'RESTRICT', 'VAR', 'FLOAT', 'TYPE_TAG', 'DECL_TAG'];
    if (noVlen.includes(t.kind) && t.vlen !== 0) fail(`type ${t.id} (${t.kind}) has vlen ${t.vlen}`);
    switch (t.kind) {
      case 'INT': {
        const { encoding, offset, bits } = t.int!;
        if (!INT_SIZES.has(t.sizeOrType) || bits === 0 || bits > 128 || offset + bits > t.sizeOrType * 8) fail(`type ${t.id} is an INT of ${t.sizeOrType} bytes with ${bits} bits at ${offset}`);
        if (![0, 1, 2, 4].includes(encoding) || (raw[t.id].extra & 0xf000ff00) !== 0) fail(`type ${t.id} is an INT with encoding ${encoding}`);
        break;
      }
      case 'PTR': case 'TYPEDEF': case 'VOLATILE': case 'CONST': case 'RESTRICT': case 'TYPE_TAG':
        ref(t, t.sizeOrType, 'refers to');
        if ((t.kind === 'TYPEDEF' || t.kind === 'TYPE_TAG') && !t.name) fail(`type ${t.id} (${t.kind}) has no name`);
        break;
      case 'ARRAY':
        if (t.sizeOrType !== 0) fail(`type ${t.id} is an ARRAY with a size field`);
        ref(t, t.array!.type, 'has elements of', false);
        ref(t, t.array!.indexType, 'is indexed by', false);
        break;
      case 'STRUCT': case 'UNION':
        for (const m of t.members!) {
          ref(t, m.type, `member ${m.name || '(anonymous)'} has`, false);
          if (m.bitOffset + m.bitSize > t.sizeOrType * 8) fail(`type ${t.id} has member ${m.name || '(anonymous)'} at bit ${m.bitOffset}, past its ${t.sizeOrType} bytes`);
        }
        break;
      case 'ENUM': case 'ENUM64':
        if (!ENUM_SIZES.has(t.sizeOrType)) fail(`type ${t.id} is an ${t.kind} of ${t.sizeOrType} bytes`);
        for (const v of raw[t.id].memberNames) if (v >= strLen || v === 0) fail(`type ${t.id} has an enumerator without a valid name`);
        break;
      case 'FWD': if (!t.name) fail(`type ${t.id} is a FWD without a name`); break;
      case 'FUNC':
        if (!t.name || t.vlen > 2) fail(`type ${t.id} is a FUNC without a name or with linkage ${t.vlen}`);
        ref(t, t.sizeOrType, 'has the prototype', false);
        if (btf.types[t.sizeOrType].kind !== 'FUNC_PROTO') fail(`type ${t.id} is a FUNC whose prototype is a ${btf.types[t.sizeOrType].kind}`);
        break;
      case 'FUNC_PROTO':
        ref(t, t.sizeOrType, 'returns');
        t.params!.forEach((p, i) => {
          ref(t, p.type, `parameter ${i} has`, i === t.params!.length - 1);
          if (p.type === 0 && p.name) fail(`type ${t.id} has a named varargs parameter`);
        });
        break;
      case 'VAR':
        if (!t.name || (t.varLinkage ?? 0) > 2) fail(`type ${t.id} is a VAR without a name or with linkage ${t.varLinkage}`);
        ref(t, t.sizeOrType, 'has', false);
        break;
      case 'DATASEC':
        if (!t.name) fail(`type ${t.id} is a DATASEC without a name`);
        for (const v of t.datasec!) {
          ref(t, v.type, 'holds', false);
          const k = btf.types[v.type].kind;
          if (k !== 'VAR' && k !== 'FUNC') fail(`type ${t.id} (DATASEC ${t.name}) holds a ${k}`);
          if (t.sizeOrType > 0 && v.offset + v.size > t.sizeOrType) fail(`type ${t.id} (DATASEC ${t.name}) holds a variable past its ${t.sizeOrType} bytes`);
        }
        break;
      case 'FLOAT': if (!FLOAT_SIZES.has(t.sizeOrType)) fail(`type ${t.id} is a FLOAT of ${t.sizeOrType} bytes`); break;
      case 'DECL_TAG': {
        if (!t.name) fail(`type ${t.id} is a DECL_TAG without a value`);
        ref(t, t.sizeOrType, 'tags', false);
        const target = btf.types[t.sizeOrType];
        const idx = t.componentIdx ?? -1;
        const count = target.kind === 'FUNC' ? btf.types[target.sizeOrType]?.vlen ?? 0 : target.kind === 'STRUCT' || target.kind === 'UNION' ? target.vlen : 0;
        if (idx < -1 || (idx >= 0 && idx >= count)) fail(`type ${t.id} tags component ${idx} of type ${target.id}, which has ${count}`);
        break;
      }
      default: break;
    }
  }
  for (const t of btf.types.slice(1)) for (const name of nameOffsets(t, raw[t.id])) if (name >= strLen) fail(`type ${t.id} has a member name outside the string section`);
  checkNoValueCycles(btf);
  return btf;
}

interface RawInfo { nameOff: number; info: number; extra: number; memberNames: number[] }

/** The raw words the reader interprets (name offsets of members are needed to bound-check them). */
function rawInfo(data: Buffer, btf: Btf): RawInfo[] {
  const out: RawInfo[] = [{ nameOff: 0, info: 0, extra: 0, memberNames: [] }];
  for (let id = 1; id < btf.types.length; id++) {
    const t = btf.types[id];
    let p = btf.typeOffsets[id];
    const r: RawInfo = { nameOff: data.readUInt32LE(p), info: data.readUInt32LE(p + 4), extra: 0, memberNames: [] };
    p += 12;
    const each = (size: number) => { for (let i = 0; i < t.vlen; i++, p += size) r.memberNames.push(data.readUInt32LE(p)); };
    if (t.kind === 'INT' || t.kind === 'VAR' || t.kind === 'DECL_TAG') r.extra = data.readUInt32LE(p);
    else if (t.kind === 'STRUCT' || t.kind === 'UNION' || t.kind === 'ENUM64') each(12);
    else if (t.kind === 'ENUM' || t.kind === 'FUNC_PROTO') each(8);
    out.push(r);
  }
  return out;
}

function nameOffsets(t: BtfType, r: RawInfo): number[] {
  return t.kind === 'STRUCT' || t.kind === 'UNION' || t.kind === 'FUNC_PROTO' ? r.memberNames : [];
}

/** Edges along which a type contains (or is) another by value; a pointer breaks the chain. */
function valueEdges(t: BtfType): number[] {
  switch (t.kind) {
    case 'TYPEDEF': case 'VOLATILE': case 'CONST': case 'RESTRICT': case 'TYPE_TAG': case 'VAR': case 'FUNC': case 'DECL_TAG': return [t.sizeOrType];
    case 'ARRAY': return [t.array!.type];
    case 'STRUCT': case 'UNION': return t.members!.map((m) => m.type);
    case 'DATASEC': return t.datasec!.map((v) => v.type);
    default: return [];
  }
}

/** Iterative DFS: a cycle of by-value edges would send libbpf's type walks into an endless loop. */
function checkNoValueCycles(btf: Btf): void {
  const state = new Uint8Array(btf.types.length); // 0 new, 1 on the stack, 2 done
  for (let root = 1; root < btf.types.length; root++) {
    if (state[root]) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const edges = valueEdges(btf.types[top[0]]);
      if (top[1] >= edges.length) {
        state[top[0]] = 2;
        stack.pop();
        continue;
      }
      const next = edges[top[1]++];
      if (next === 0) continue;
      if (state[next] === 1) fail(`type ${next} contains itself (through type ${top[0]}) other than through a pointer`);
      if (state[next] === 0) {
        state[next] = 1;
        stack.push([next, 0]);
      }
    }
  }
}
