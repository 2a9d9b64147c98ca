/**
 * The guest's root: a base initramfs built once (busybox-static, the host's bpftool with the shared objects ldd
 * names, /init) and cached under a name that changes with its inputs; per run a small archive of the objects,
 * concatenated to it (Linux unpacks concatenated gzip'd cpio archives in order).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { EbpfError } from '../errors';
import { execFile } from '../util/exec';
import { cpioArchive, type CpioEntry } from './cpio';
import { GUEST_INIT } from './guest-init';

const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];
const BPFTOOL_CANDIDATES = ['/usr/sbin/bpftool', '/usr/bin/bpftool', '/usr/local/sbin/bpftool'];
const APPLETS = ['sh', 'mount', 'mkdir', 'cat', 'echo', 'ls', 'rm', 'poweroff', 'stty', 'uname', 'basename'];

function findTool(candidates: string[], what: string, pkg: string): string {
  const hit = candidates.find((c) => existsSync(c));
  if (!hit) throw new EbpfError(what === 'bpftool' ? 'bpftool-missing' : 'usage', `${what} is needed inside the VM and is not installed.`, `Install it: apt-get install ${pkg}.`);
  return hit;
}

/** A statically linked busybox: the guest has no libc of its own for it. */
function isStatic(elf: Buffer): boolean {
  // an ELF with a PT_INTERP program header is dynamically linked
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (elf.readUInt32LE(phoff + i * phentsize) === 3) return false;
  return true;
}

/** The base image's path in the cache, built when absent (about 2.5 MB; well under a second). */
export async function ensureBaseInitramfs(cacheRoot: string): Promise<string> {
  const busybox = findTool(BUSYBOX_CANDIDATES, 'busybox', 'busybox-static');
  const bpftool = findTool(BPFTOOL_CANDIDATES, 'bpftool', 'bpftool');
  const bb = readFileSync(busybox);
  if (!isStatic(bb)) throw new EbpfError('usage', `${busybox} is dynamically linked; the VM needs a static one.`, 'Install it: apt-get install busybox-static.');
  const ldd = await execFile('ldd', [bpftool]);
  const libs = [...ldd.stdout.matchAll(/(\/\S+)/g)].map((m) => m[1]).filter((l) => existsSync(l));
  const inputs = [busybox, bpftool, ...libs];
  const key = createHash('sha256').update(GUEST_INIT).update(inputs.map((f) => `${f}:${statSync(f).size}:${statSync(f).mtimeMs}`).join('\n')).digest('hex').slice(0, 16);
  const out = path.join(cacheRoot, `base-${key}.cpio.gz`);
  if (existsSync(out)) return out;
  const dirs = ['bin', 'sbin', 'dev', 'proc', 'sys', 'sys/fs', 'tmp', 'obj', 'usr', 'usr/sbin', 'lib', 'lib64', 'lib/x86_64-linux-gnu', 'usr/lib', 'usr/lib/x86_64-linux-gnu'];
  const entries: CpioEntry[] = dirs.map((d) => ({ path: d, mode: 0o040755 }));
  entries.push({ path: 'bin/busybox', mode: 0o100755, data: bb });
  for (const a of APPLETS) entries.push({ path: `bin/${a}`, mode: 0o120777, target: 'busybox' });
  entries.push({ path: 'usr/sbin/bpftool', mode: 0o100755, data: readFileSync(bpftool) });
  for (const l of libs) entries.push({ path: l, mode: 0o100755, data: readFileSync(l) }); // readFileSync follows the symlinks
  entries.push({ path: 'init', mode: 0o100755, data: Buffer.from(GUEST_INIT) });
  // /dev/console before devtmpfs is mounted, else the kernel's early output and init's stdio are lost
  entries.push({ path: 'dev/console', mode: 0o020600, rdevMajor: 5, rdevMinor: 1 });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, gzipSync(cpioArchive(entries), { level: 9 }), { mode: 0o600 });
  renameSync(tmp, out);
  return out;
}

/** base + the objects (as /obj/NN.o: no name of the user's reaches the guest's shell), one initrd for one boot. */
export function objectName(index: number): string {
  return `${String(index).padStart(2, '0')}.o`;
}

export function runInitrd(base: string, objects: Buffer[]): Buffer {
  const entries: CpioEntry[] = objects.map((data, i) => ({ path: `obj/${objectName(i)}`, mode: 0o100644, data }));
  return Buffer.concat([readFileSync(base), gzipSync(cpioArchive(entries))]);
}
