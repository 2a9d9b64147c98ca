/**
 * Strict validation of .BTF.ext (func_info, line_info, CO-RE relocations) against the object's .BTF and code
 * sections, before libbpf parses it: record sizes as clang writes them, every record inside a code section that
 * exists, every string and type id in range, and CO-RE access strings libbpf can parse.
 */
import { BtfError, type Btf } from './btf-reader';

const fail = (what: string): never => { throw new BtfError(`.BTF.ext: ${what}`); };
const RECORD_SIZES = { func_info: 8, line_info: 16, core_relo: 16 } as const;
/** BPF_CORE_FIELD_BYTE_OFFSET (0) .. BPF_CORE_TYPE_MATCHES (12) */
const MAX_CORE_KIND = 12;

export function validateBtfExt(data: Buffer, btf: Btf, strLen: number, codeSections: Map<string, number>): void {
  if (data.length < 24) fail('shorter than its header');
  if (data.readUInt16LE(0) !== 0xeb9f) fail('bad magic number');
  if (data[2] !== 1 || data[3] !== 0) fail(`version ${data[2]} / flags ${data[3]}, not 1 / 0`);
  const hdrLen = data.readUInt32LE(4);
  if (hdrLen !== 24 && hdrLen !== 32) fail(`header length ${hdrLen}, neither 24 nor 32`);
  if (hdrLen > data.length) fail('the header runs past the section');
  const parts: [keyof typeof RECORD_SIZES, number, number][] = [
    ['func_info', data.readUInt32LE(8), data.readUInt32LE(12)],
    ['line_info', data.readUInt32LE(16), data.readUInt32LE(20)],
  ];
  if (hdrLen === 32) parts.push(['core_relo', data.readUInt32LE(24), data.readUInt32LE(28)]);
  const extents: [number, number][] = [];
  for (const [what, off, len] of parts) {
    if (len === 0) continue;
    const start = hdrLen + off;
    if (off % 4 !== 0 || len % 4 !== 0 || start + len > data.length || len < 4) fail(`${what} is misaligned or runs past the section`);
    extents.push([start, start + len]);
    checkPart(what, data.subarray(start, start + len), btf, strLen, codeSections);
  }
  extents.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < extents.length; i++) if (extents[i][0] < extents[i - 1][1]) fail('two of its parts overlap');
}

function checkPart(what: keyof typeof RECORD_SIZES, part: Buffer, btf: Btf, strLen: number, code: Map<string, number>): void {
  const recSize = part.readUInt32LE(0);
  if (recSize !== RECORD_SIZES[what]) fail(`${what} record size ${recSize}, not ${RECORD_SIZES[what]}`);
  const str = (off: number, field: string) => { if (off >= strLen) fail(`a ${what} record's ${field} is outside the string section`); };
  let p = 4;
  while (p < part.length) {
    if (p + 8 > part.length) fail(`${what} ends inside a section header`);
    const nameOff = part.readUInt32LE(p);
    const count = part.readUInt32LE(p + 4);
    str(nameOff, 'section name');
    const sec = btf.str(nameOff);
    const size = code.get(sec);
    if (size === undefined) fail(`${what} names section '${sec}', which holds no code in this object`);
    if (count === 0) fail(`${what} has no records for section '${sec}'`);
    p += 8;
    if (p + count * recSize > part.length) fail(`${what} for section '${sec}' runs past its part`);
    for (let i = 0; i < count; i++, p += recSize) {
      const insnOff = part.readUInt32LE(p);
      if (insnOff % 8 !== 0 || insnOff >= size!) fail(`a ${what} record of section '${sec}' points at byte ${insnOff}, not an instruction of it`);
      const a = part.readUInt32LE(p + 4);
      if (what === 'func_info') {
        if (a >= btf.types.length || btf.types[a].kind !== 'FUNC') fail(`a func_info record of section '${sec}' names type ${a}, which is not a FUNC`);
      } else if (what === 'line_info') {
        str(a, 'file name');
        str(part.readUInt32LE(p + 8), 'source line');
      } else {
        checkCoreRelo(btf, sec, a, part.readUInt32LE(p + 8), part.readUInt32LE(p + 12), strLen);
      }
    }
  }
}

/** libbpf parses the access string with sscanf and walks it through the type: keep both within range. */
function checkCoreRelo(btf: Btf, sec: string, typeId: number, accessOff: number, kind: number, strLen: number): void {
  const where = `a CO-RE relocation of section '${sec}'`;
  if (typeId === 0 || typeId >= btf.types.length) fail(`${where} names type ${typeId}, which does not exist`);
  if (kind > MAX_CORE_KIND) fail(`${where} has kind ${kind}, which libbpf does not know`);
  if (accessOff >= strLen) fail(`${where} has its access string outside the string section`);
  const access = btf.str(accessOff);
  if (!/^\d{1,9}(:\d{1,9}){0,63}$/.test(access)) fail(`${where} has the access string '${access.slice(0, 40)}', not a list of indices`);
}
