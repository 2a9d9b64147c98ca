import { readBpfObject } from '../../core/source-map/bpf-object';
import { programMap } from '../../core/source-map/object-source-map';
import { BtfLayouts } from '../../core/btf/btf-layout';
import { BtfError } from '../../core/btf/btf-reader';
import { ElfError, ElfFile } from '../../core/elf/elf-reader';

/** A few words libbpf and our readers read as counts, offsets and ids: near-boundary values hit their checks. */
const INTERESTING = [0, 1, 7, 8, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/**
 * Truncate or flip bits of a real object; or, to get past the structural checks to libbpf and the kernel, change
 * a few bytes or one 32-bit word inside one section (code, .maps, .BTF, .BTF.ext, relocations, symbols).
 */
export function mutateObject(base: Buffer, r: () => number): Buffer {
  const pick = (n: number) => Math.floor(r() * n);
  const buf = Buffer.from(base);
  switch (pick(5)) {
    case 3: case 4: {
      let sections;
      try {
        sections = new ElfFile(buf).sections.filter((s) => s.size >= 4 && s.type !== 8);
      } catch {
        return buf;
      }
      if (sections.length === 0) return buf;
      const s = sections[pick(sections.length)];
      if (pick(2) === 0) {
        for (let i = 0; i < 1 + pick(3); i++) buf[s.offset + pick(s.size)] ^= 1 << pick(8);
      } else {
        const at = s.offset + pick(Math.floor(s.size / 4)) * 4;
        buf.writeUInt32LE(INTERESTING[pick(INTERESTING.length)] >>> 0, at);
      }
      return buf;
    }
    case 0: return buf.subarray(0, pick(buf.length + 1));
    case 1:
      for (let i = 0; i < 1 + pick(32); i++) buf[pick(buf.length)] ^= 1 << pick(8);
      return buf;
    default: // flip bytes inside the headers, where offsets and sizes live
      for (let i = 0; i < 1 + pick(8); i++) buf[pick(Math.min(buf.length, 64)) ] = pick(256);
      for (let i = 0; i < 1 + pick(8); i++) buf[buf.length - 1 - pick(Math.min(buf.length, 2048))] = pick(256);
      return buf;
  }
}

/** Read everything from a (possibly broken) object; typed errors are fine, anything else is a bug. */
export function exerciseObject(buf: Buffer): 'ok' | 'rejected' {
  try {
    const obj = readBpfObject(buf);
    if (obj.btf) new BtfLayouts(obj.btf).all();
    for (const p of obj.programs) {
      const map = programMap(obj, p.name);
      for (let i = 0; map && i < 64; i++) map.location(i);
    }
    return 'ok';
  } catch (e) {
    if (e instanceof ElfError || e instanceof BtfError) return 'rejected';
    throw e;
  }
}
