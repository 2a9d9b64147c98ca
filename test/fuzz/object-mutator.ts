import { readBpfObject } from '../../core/source-map/bpf-object';
import { programMap } from '../../core/source-map/object-source-map';
import { BtfLayouts } from '../../core/btf/btf-layout';
import { BtfError } from '../../core/btf/btf-reader';
import { ElfError } from '../../core/elf/elf-reader';

/** Truncate or flip bits of a real object. */
export function mutateObject(base: Buffer, r: () => number): Buffer {
  const pick = (n: number) => Math.floor(r() * n);
  const buf = Buffer.from(base);
  switch (pick(3)) {
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
