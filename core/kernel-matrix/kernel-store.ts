/**
 * Kernels in the cache: $XDG_CACHE_HOME/ebpf-debugger/kernels/<release>/{vmlinux,config,package.json}. A kernel is
 * downloaded once (the .deb holding its vmlinuz, through the private apt), unpacked with dpkg-deb -x into a scratch
 * directory, and only its vmlinuz (turned into vmlinux) and, when that .deb has it, its config are kept: nothing is
 * installed as the host's kernel. (6.19 and 7.x keep the config in linux-base-*: not fetched, the VM does not need it.)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildCacheDir } from '../build/cache-dir';
import { EbpfError } from '../errors';
import { execFile } from '../util/exec';
import { compareVersions } from '../util/version';
import { imagePackages, pickImagePackage, seriesOf, type ImagePackage, type KernelSpec } from './catalogue';
import { PrivateApt } from './private-apt';
import { extractVmlinux } from './vmlinux-extract';

export interface CachedKernel {
  /** The release `uname -r` prints in the guest, e.g. 6.1.0-50-cloud-amd64. */
  release: string;
  series: string;
  abi: string;
  dir: string;
  vmlinux: string;
  /** The .deb it came from and its size, for `kernels`. */
  packageName: string;
  packageBytes: number;
}

export interface KernelProgress {
  /** Said before anything is fetched: what, from where, how big. */
  (message: string): void;
}

export function kernelCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const dir = path.join(buildCacheDir(env), 'kernels');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** The kernels unpacked in the cache, newest first. */
export function cachedKernels(root: string): CachedKernel[] {
  const out: CachedKernel[] = [];
  for (const name of existsSync(root) ? readdirSync(root) : []) {
    const meta = path.join(root, name, 'package.json');
    if (!existsSync(meta) || !existsSync(path.join(root, name, 'vmlinux'))) continue;
    try { out.push({ ...(JSON.parse(readFileSync(meta, 'utf8')) as CachedKernel), dir: path.join(root, name), vmlinux: path.join(root, name, 'vmlinux') }); } catch { /* a half-written entry is fetched again */ }
  }
  return out.sort((a, b) => compareVersions(b.abi, a.abi));
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** The kernel for a spec: from the cache, else fetched (lists, then the image package) and unpacked. */
export async function ensureKernel(spec: Extract<KernelSpec, { kind: 'debian' }>, opts: { env?: NodeJS.ProcessEnv; progress?: KernelProgress; refresh?: boolean } = {}): Promise<CachedKernel & { downloadedBytes: number }> {
  const root = kernelCacheRoot(opts.env);
  const say = opts.progress ?? (() => {});
  if (!opts.refresh) {
    // the newest cached one of the series answers a bare series: asking the archive again is `--refresh`
    const hit = cachedKernels(root).find((k) => k.series === spec.series && (spec.abi === null || k.abi === spec.abi));
    if (hit) return { ...hit, downloadedBytes: 0 };
  }
  const { suites } = seriesOf(spec.series);
  const apt = new PrivateApt(root, suites);
  let downloaded = 0;
  if (opts.refresh || !apt.updated) {
    say(`Fetching Debian's package lists for ${suites.join(', ')} (${listsEstimate(suites)}, into ${apt.root}).`);
    downloaded += await apt.update(true);
  }
  const names = await kernelPackageNames(apt);
  const pkg = pickImagePackage(names, spec);
  if (!pkg) {
    throw new EbpfError('usage', `No Debian image package for kernel ${spec.text} in ${suites.join(', ')}.`, '`ebpf-debugger kernels` lists what can be had.');
  }
  // a bare series may fall back to the next older ABIs: a security suite can index a package before its mirror has it
  const older = spec.abi ? [] : imagePackages(names, spec.series).filter((p) => p.flavour === pkg.flavour && p.abi !== pkg.abi).slice(0, 2);
  const candidates = [pkg, ...older];
  for (const [i, p] of candidates.entries()) {
    try {
      return await fetchKernel(apt, p, spec.series, root, say, downloaded);
    } catch (e) {
      if (!(e instanceof EbpfError) || !e.message.startsWith('apt-get download') || i === candidates.length - 1) throw e;
      say(`${e.message.split('\n')[0]} Trying ${candidates[i + 1].vmlinuzPackage} instead.`);
    }
  }
  throw new EbpfError('helper-failed', `No kernel ${spec.text} could be downloaded.`); // not reached: the last failure is thrown
}

async function fetchKernel(apt: PrivateApt, pkg: ImagePackage, series: string, root: string, say: KernelProgress, listBytes: number): Promise<CachedKernel & { downloadedBytes: number }> {
  let downloaded = listBytes;
  const size = await apt.packageSize(pkg.vmlinuzPackage);
  const which = pkg.vmlinuzPackage === pkg.name ? pkg.name : `${pkg.vmlinuzPackage} (the kernel image of ${pkg.name})`;
  say(`Downloading ${which} (${size ? mb(size) : 'size unknown'}) from Debian; it is unpacked into ${root} and never installed.`);
  const scratch = mkdtempSync(path.join(root, '.fetch-'));
  try {
    const deb = await apt.download(pkg.vmlinuzPackage, scratch);
    const debBytes = statSync(deb).size;
    downloaded += debBytes;
    const tree = path.join(scratch, 'tree');
    const x = await execFile('dpkg-deb', ['-x', deb, tree], { timeoutMs: 300_000 });
    if (x.code !== 0) throw new EbpfError('helper-failed', `dpkg-deb -x ${path.basename(deb)} failed: ${x.stderr.trim() || x.spawnError?.message}`);
    const vmlinuz = findFile(tree, /^vmlinuz/);
    if (!vmlinuz) throw new EbpfError('helper-failed', `${pkg.vmlinuzPackage} holds no vmlinuz: Debian laid this kernel out in a way this runner does not know.`, 'Name another series or ABI (`ebpf-debugger kernels`).');
    const config = findFile(tree, /^config/);
    const release = path.basename(vmlinuz).replace(/^vmlinuz-?/, '') || `${pkg.abi}-${pkg.flavour === 'cloud' ? 'cloud-' : ''}amd64`;
    const dir = path.join(root, release);
    const tmpDir = path.join(scratch, 'kernel');
    mkdirSync(tmpDir, { mode: 0o700 });
    writeFileSync(path.join(tmpDir, 'vmlinux'), extractVmlinux(readFileSync(vmlinuz)));
    if (config) writeFileSync(path.join(tmpDir, 'config'), readFileSync(config));
    const entry = { release, series, abi: pkg.abi, packageName: pkg.vmlinuzPackage, packageBytes: debBytes };
    writeFileSync(path.join(tmpDir, 'package.json'), JSON.stringify(entry, null, 2) + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmpDir, dir); // complete entries only: a run killed halfway leaves a .fetch- scratch, never a kernel
    return { ...entry, dir, vmlinux: path.join(dir, 'vmlinux'), downloadedBytes: downloaded };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The package names a kernel can come from: images, and from 6.19 the linux-binary-* that hold their vmlinuz. */
export async function kernelPackageNames(apt: PrivateApt): Promise<string[]> {
  return [...await apt.packageNames('linux-image-'), ...await apt.packageNames('linux-binary-')];
}

/** What a first fetch of these lists costs, said before it starts (measured on the Debian mirror, Dec 2026). */
function listsEstimate(suites: string[]): string {
  const mbs = suites.map((s) => (/-(security|backports)$/.test(s) ? 2 : 8));
  return `about ${mbs.reduce((a, b) => a + b, 0)} MB`;
}

/** The first file whose name matches, in /boot first, then anywhere in the unpacked tree (6.19+'s layout differs). */
function findFile(dir: string, re: RegExp): string | null {
  const queue = [path.join(dir, 'boot'), dir];
  for (let i = 0; i < queue.length && i < 200; i++) {
    const d = queue[i];
    if (!existsSync(d)) continue;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isFile() && re.test(e.name)) return path.join(d, e.name);
      if (e.isDirectory()) queue.push(path.join(d, e.name));
    }
  }
  return null;
}
