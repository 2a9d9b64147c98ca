/**
 * apt with its own configuration, lists, cache and status under the kernel cache: the host's /etc/apt, its lists
 * and its dpkg database are never read for packages nor written. It names the Debian suites a kernel series needs,
 * on the mirror the host's own sources already use, and only fetches (never installs) packages.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EbpfError } from '../errors';
import { execFile } from '../util/exec';

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

/** The host's Debian mirror (deb822 or one-line sources), read only to reuse it; deb.debian.org otherwise. */
export function hostMirror(etc = '/etc/apt'): string {
  const files = [path.join(etc, 'sources.list'), ...listDir(path.join(etc, 'sources.list.d')).map((f) => path.join(etc, 'sources.list.d', f))];
  for (const f of files) {
    if (!/\.(list|sources)$/.test(f) || !existsSync(f)) continue;
    const text = readFileSync(f, 'utf8');
    const m = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/m.exec(text);
    if (m) return m[1];
  }
  return DEFAULT_MIRROR;
}

function listDir(dir: string): string[] {
  try { return readdirSync(dir).sort(); } catch { return []; }
}

/** The one-line sources for these suites: `-security` suites live under debian-security on the same host. */
export function sourcesList(mirror: string, suites: string[]): string {
  return suites.map((s) => {
    const uri = s.endsWith('-security') ? mirror.replace(/\/debian$/, '/debian-security') : mirror;
    return `deb [signed-by=${KEYRING}] ${uri} ${s} main\n`;
  }).join('');
}

export class PrivateApt {
  readonly root: string;
  private readonly conf: string;

  /**
   * One apt root per set of suites (`apt-get update` drops the lists of suites its sources do not name): kernel
   * series carried by the same suites (6.1 and 6.12; 6.16 to 7.3) share their lists, fetched once.
   */
  constructor(cacheRoot: string, readonly suites: string[], private readonly mirror = hostMirror()) {
    this.root = aptRoot(cacheRoot, suites);
    this.conf = path.join(this.root, 'apt.conf');
  }

  /** Whether this root's lists were fetched already. */
  get updated(): boolean {
    return existsSync(updateStamp(this.root));
  }

  private setup(suites: string[]): void {
    const r = this.root;
    for (const d of ['etc/apt.conf.d', 'etc/preferences.d', 'etc/sources.list.d', 'lists/partial', 'cache/archives/partial', 'state']) {
      mkdirSync(path.join(r, d), { recursive: true, mode: 0o700 });
    }
    if (!existsSync(path.join(r, 'state/status'))) writeFileSync(path.join(r, 'state/status'), '');
    writeFileSync(path.join(r, 'etc/sources.list'), sourcesList(this.mirror, suites));
    // every Dir:: apt would otherwise take from /etc/apt or /var points inside r
    writeFileSync(this.conf, [
      `Dir::Etc::SourceList "${r}/etc/sources.list";`, `Dir::Etc::SourceParts "${r}/etc/sources.list.d";`,
      `Dir::Etc::Parts "${r}/etc/apt.conf.d";`, `Dir::Etc::PreferencesParts "${r}/etc/preferences.d";`,
      `Dir::Etc::Preferences "${r}/etc/preferences";`, `Dir::State "${r}/state";`, `Dir::State::Lists "${r}/lists";`,
      `Dir::State::status "${r}/state/status";`, `Dir::Cache "${r}/cache";`, `Dir::Log "${r}/state";`,
      // the cache is the user's own (0700): apt's _apt download sandbox could not write into it
      'APT::Sandbox::User "root";', 'Acquire::Languages "none";', 'Debug::NoLocking "true";',
      'Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";', 'APT::Architecture "amd64";', 'APT::Architectures { "amd64"; };', '',
    ].join('\n'));
  }

  private configured = false;

  private async apt(cmd: string, args: string[], cwd?: string, timeoutMs = 300_000) {
    // the configuration is written by this instance before its first apt run: it always names this root's paths
    if (!this.configured) { this.setup(this.suites); this.configured = true; }
    const r = await execFile(cmd, args, { cwd, env: { ...process.env, APT_CONFIG: this.conf, LC_ALL: 'C' }, timeoutMs });
    if (r.spawnError) {
      throw new EbpfError('usage', `${cmd} is not installed: kernels come from Debian's archive through apt.`, 'Run this on Debian or Ubuntu (apt-get and dpkg-deb).');
    }
    return r;
  }

  /** Fetch the package lists of these suites (a few MB each, compressed), once; `refresh` fetches them again. */
  async update(refresh = false): Promise<number> {
    const suites = this.suites;
    if (!refresh && this.updated) return 0;
    removeSeriesRoots(path.dirname(this.root));
    const r = await this.apt('apt-get', ['update', '-q']);
    if (r.code !== 0 || /^(W|E): .*(Failed to fetch|not signed|NO_PUBKEY)/m.test(r.stderr)) {
      throw new EbpfError('helper-failed', `apt-get update of ${suites.join(', ')} from ${this.mirror} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`,
        'Check the network access to the Debian mirror (the host\'s own apt sources name it).');
    }
    writeFileSync(updateStamp(this.root), new Date().toISOString());
    return fetchedBytes(r.stdout);
  }

  /** The package names in the lists fetched (none before the first update). */
  async packageNames(prefix: string): Promise<string[]> {
    if (!this.updated) return [];
    const r = await this.apt('apt-cache', ['pkgnames', prefix]);
    return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  /** The size in bytes apt's lists give for a package's newest version. */
  async packageSize(name: string): Promise<number | null> {
    const r = await this.apt('apt-cache', ['show', '--no-all-versions', name]);
    const m = /^Size:\s*(\d+)/m.exec(r.stdout);
    return m ? Number(m[1]) : null;
  }

  /** Download one package's .deb into dir (nothing installed); its path. */
  async download(name: string, dir: string): Promise<string> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const r = await this.apt('apt-get', ['download', '-q', name], dir, 900_000);
    const deb = listDir(dir).find((f) => f.startsWith(name + '_') && f.endsWith('.deb'));
    if (r.code !== 0 || !deb) {
      throw new EbpfError('helper-failed', `apt-get download ${name} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`,
        'Some security-suite packages are indexed before the mirror has them: name an older ABI (`ebpf-debugger kernels`).');
    }
    return path.join(dir, deb);
  }
}

/** Lists kept per kernel series (apt/6.1/) by earlier versions: a suite set's root holds them now. */
export function removeSeriesRoots(aptDir: string): void {
  for (const d of listDir(aptDir)) if (/^\d+\.\d+$/.test(d)) rmSync(path.join(aptDir, d), { recursive: true, force: true });
}

function aptRoot(cacheRoot: string, suites: string[]): string {
  return path.join(cacheRoot, 'apt', suites.join('+'));
}

/** Written by a successful `apt-get update` of the root. */
function updateStamp(root: string): string {
  return path.join(root, 'state', 'updated');
}

/** Whether these suites' lists were fetched already (for `kernels`: what can be had without a download). */
export function aptUpdated(cacheRoot: string, suites: string[]): boolean {
  return existsSync(updateStamp(aptRoot(cacheRoot, suites)));
}

/** apt's `Fetched 8941 kB in 1s`: what went over the network. */
export function fetchedBytes(aptOutput: string): number {
  const m = /Fetched ([\d.,]+) (B|kB|MB|GB)/.exec(aptOutput);
  if (!m) return 0;
  return Math.round(Number(m[1].replace(/,/g, '')) * ({ B: 1, kB: 1e3, MB: 1e6, GB: 1e9 } as Record<string, number>)[m[2]]);
}
