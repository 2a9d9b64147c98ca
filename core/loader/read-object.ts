/**
 * The helper reads an object exactly once: open (as the requesting user, non-blocking so a FIFO cannot hang it),
 * fstat the descriptor, refuse anything but a regular file, read it into memory. The checks and libbpf then see
 * these bytes, never the path again, so a file swapped after the check is not what gets loaded.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, constants as fsc, type Stats } from 'node:fs';

export const MAX_OBJECT_BYTES = 256 * 1024 * 1024;

export class ObjectFileError extends Error {
  constructor(readonly code: 'usage' | 'file-not-found' | 'not-an-object' | 'no-privileges', message: string, readonly hint?: string) {
    super(message);
    this.name = 'ObjectFileError';
  }
}

const NOT_REGULAR = 'Name the .o file clang wrote (e.g. `clang -g -O2 -target bpf -c prog.bpf.c -o prog.bpf.o`).';

/** What a non-regular file is, in words, or null for a regular file. */
function notRegular(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuseKind(file: string, st: Stats): void {
  const kind = notRegular(st);
  if (kind) {
    const what = kind === 'not a regular file' ? `${file} is not a regular file` : `${file} is ${kind}`;
    throw new ObjectFileError('not-an-object', `${what}, not a BPF object file; the helper reads regular files only.`, NOT_REGULAR);
  }
}

function fsError(file: string, e: unknown): ObjectFileError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new ObjectFileError('file-not-found', `${file}: no such file.`);
  if (code === 'EACCES' || code === 'EPERM') {
    return new ObjectFileError('no-privileges', `${file}: permission denied. The helper opens files with your own rights (uid ${process.getuid?.()}).`,
      'Make the object readable by you (chmod a+r, or build it yourself).');
  }
  if (code === 'ENXIO') return new ObjectFileError('not-an-object', `${file} is a socket or a device without a driver, not a BPF object file.`, NOT_REGULAR);
  if (code === 'ELOOP') return new ObjectFileError('file-not-found', `${file}: too many levels of symbolic links.`);
  return new ObjectFileError('file-not-found', `${file}: ${(e as Error).message}`);
}

/** Read the whole object once; `maxBytes` bounds the memory a request can make the helper take. */
export function readObjectOnce(file: unknown, maxBytes = MAX_OBJECT_BYTES): Buffer {
  if (typeof file !== 'string' || file === '') throw new ObjectFileError('usage', 'The request names no object path.');
  if (file.includes('\0')) throw new ObjectFileError('usage', 'The object path contains a NUL byte.');
  try {
    refuseKind(file, statSync(file)); // spares opening a device at all in the common case
  } catch (e) {
    if (e instanceof ObjectFileError) throw e;
    throw fsError(file, e);
  }
  let fd: number;
  try {
    fd = openSync(file, fsc.O_RDONLY | fsc.O_NONBLOCK | fsc.O_NOCTTY);
  } catch (e) {
    throw fsError(file, e);
  }
  try {
    const st = fstatSync(fd);
    refuseKind(file, st); // the file may have been swapped since the stat: this is the one that counts
    if (st.size > maxBytes) throw new ObjectFileError('not-an-object', `${file} is ${st.size} bytes, larger than any BPF object the helper reads (${maxBytes} bytes).`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size - total, 0) + 1, 4 * 1024 * 1024) || 1);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new ObjectFileError('not-an-object', `${file} grew past ${maxBytes} bytes while it was read.`);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof ObjectFileError) throw e;
    throw fsError(file, e);
  } finally {
    closeSync(fd);
  }
}
