/**
 * A newc ("070701") cpio archive writer: the initramfs format Linux unpacks. Written here so that neither the base
 * image nor the per-run object archive needs a cpio binary, and so every entry's owner and mode are chosen, not copied.
 */
export interface CpioEntry {
  path: string;
  /** File mode with type bits: 0o100755 file, 0o040755 directory, 0o120777 symlink, 0o020600 char device. */
  mode: number;
  data?: Buffer;
  /** The symlink target, for links. */
  target?: string;
  rdevMajor?: number;
  rdevMinor?: number;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);

export function cpioArchive(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const add = (e: CpioEntry) => {
    const data = e.target !== undefined ? Buffer.from(e.target) : e.data ?? Buffer.alloc(0);
    const name = Buffer.from(e.path.replace(/^\/+/, '') + '\0');
    const fields = [ino++, e.mode, 0, 0, 1, 0, data.length, 0, 0, e.rdevMajor ?? 0, e.rdevMinor ?? 0, name.length, 0];
    const header = Buffer.from('070701' + fields.map(hex8).join(''), 'latin1');
    parts.push(header, name, pad4(header.length + name.length), data, pad4(data.length));
  };
  for (const e of entries) add(e);
  add({ path: 'TRAILER!!!', mode: 0 });
  return Buffer.concat(parts);
}
