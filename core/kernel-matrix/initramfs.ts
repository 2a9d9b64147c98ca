/**
 * The guest's root: a base initramfs built once (busybox-static, the guest loader compiled against the host's libbpf
 * with the shared objects ldd names, /init) and cached under a name that changes with its inputs; per run a small
 * archive of the objects,
 * concatenated to it (Linux unpacks concatenated gzip'd cpio archives in order).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { EbpfError } from '../errors';
import { execFile } from '../util/exec';
import { cpioArchive, type CpioEntry } from './cpio';
import { GUEST_INIT } from './guest-init';
import { GUEST_LOADER_C } from './guest-loader-source';

const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];
const APPLETS = ['sh', 'mount', 'mkdir', 'cat', 'echo', 'ls', 'rm', 'poweroff', 'stty', 'uname', 'basename'];

function findTool(candidates: string[], what: string, pkg: string): string {
  const hit = candidates.find((c) => existsSync(c));
  if (!hit) throw new EbpfError('usage', `${what} is needed inside the VM and is not installed.`, `Install it: apt-get install ${pkg}.`);
  return hit;
}

/** The guest loader, built for the host's architecture against the host's libbpf (dynamically: its libraries go along). */
async function compileGuestLoader(dir: string): Promise<string> {
  const src = path.join(dir, 'ebpf-guest-verify.c');
  const out = path.join(dir, 'ebpf-guest-verify');
  writeFileSync(src, GUEST_LOADER_C);
  const r = await execFile('clang', ['-O2', '-o', out, src, '-lbpf'], { timeoutMs: 120_000 });
  if (r.spawnError) throw new EbpfError('clang-missing', 'clang is needed to build the VM\'s loader.', 'Install it: apt-get install clang.');
  if (r.code !== 0) throw new EbpfError('libbpf-missing', `The VM's loader did not build against libbpf: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`, 'Install libbpf\'s headers: apt-get install libbpf-dev.');
  return out;
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

/** The base image's path in the cache, built when absent (about 1.5 MB; a clang run, then well under a second). */
export async function ensureBaseInitramfs(cacheRoot: string): Promise<string> {
  const busybox = findTool(BUSYBOX_CANDIDATES, 'busybox', 'busybox-static');
  const bb = readFileSync(busybox);
  if (!isStatic(bb)) throw new EbpfError('usage', `${busybox} is dynamically linked; the VM needs a static one.`, 'Install it: apt-get install busybox-static.');
  // the key names what goes in without building it: the libbpf the linker would pick, found by clang itself
  const libbpf = (await execFile('clang', ['-print-file-name=libbpf.so'])).stdout.trim();
  const stamp = (f: string) => {
    const st = statSync(f, { throwIfNoEntry: false });
    return st ? `${realpathSync(f)}:${st.size}:${st.mtimeMs}` : `${f}:absent`;
  };
  const key = createHash('sha256').update(GUEST_INIT).update(GUEST_LOADER_C).update(`${stamp(busybox)}\n${stamp(libbpf)}`).digest('hex').slice(0, 16);
  const out = path.join(cacheRoot, `base-${key}.cpio.gz`);
  if (existsSync(out)) return out;
  const work = mkdtempSync(path.join(os.tmpdir(), 'ebpf-debugger-initramfs-'));
  try {
    const loader = await compileGuestLoader(work);
    const ldd = await execFile('ldd', [loader]);
    const libs = [...ldd.stdout.matchAll(/(\/\S+)/g)].map((m) => m[1]).filter((l) => existsSync(l));
    writeBase(out, bb, readFileSync(loader), libs);
    // an image built from older inputs is never used again
    for (const f of readdirSync(cacheRoot)) if (/^base-[0-9a-f]{16}\.cpio\.gz$/.test(f) && path.join(cacheRoot, f) !== out) rmSync(path.join(cacheRoot, f), { force: true });
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function writeBase(out: string, bb: Buffer, loader: Buffer, libs: string[]): void {
  const dirs = ['bin', 'sbin', 'dev', 'proc', 'sys', 'sys/fs', 'tmp', 'obj', 'usr', 'usr/sbin', 'lib', 'lib64', 'lib/x86_64-linux-gnu', 'usr/lib', 'usr/lib/x86_64-linux-gnu'];
  const entries: CpioEntry[] = dirs.map((d) => ({ path: d, mode: 0o040755 }));
  entries.push({ path: 'bin/busybox', mode: 0o100755, data: bb });
  for (const a of APPLETS) entries.push({ path: `bin/${a}`, mode: 0o120777, target: 'busybox' });
  entries.push({ path: 'usr/sbin/ebpf-guest-verify', mode: 0o100755, data: loader });
  for (const l of libs) entries.push({ path: l, mode: 0o100755, data: readFileSync(l) }); // readFileSync follows the symlinks
  entries.push({ path: 'init', mode: 0o100755, data: Buffer.from(GUEST_INIT) });
  // /dev/console before devtmpfs is mounted, else the kernel's early output and init's stdio are lost
  entries.push({ path: 'dev/console', mode: 0o020600, rdevMajor: 5, rdevMinor: 1 });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, gzipSync(cpioArchive(entries), { level: 9 }), { mode: 0o600 });
  renameSync(tmp, out);
}

/** base + the objects (as /obj/NN.o: no name of the user's reaches the guest's shell), one initrd for one boot. */
export function objectName(index: number): string {
  return `${String(index).padStart(2, '0')}.o`;
}

export function runInitrd(base: string, objects: Buffer[]): Buffer {
  const entries: CpioEntry[] = objects.map((data, i) => ({ path: `obj/${objectName(i)}`, mode: 0o100644, data }));
  return Buffer.concat([readFileSync(base), gzipSync(cpioArchive(entries))]);
}
