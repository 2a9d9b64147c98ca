/**
 * Playing sudo in kernel tests: a real unprivileged user (created with useradd if absent), the environment sudo
 * gives the wrapper (SUDO_UID/SUDO_GID), and a root-owned install of the helper (dist/helper.js with a limits.json
 * beside it, as `setup-privileges --install` lays it out) so the helper takes those limits.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HelperLimits } from '../../core/loader/limits';
import { DIST, REPO } from './paths';

export const HARDENING_USER = 'ebpfdbg-hard';

export interface TestUser { name: string; uid: number; gid: number; created: boolean; env: NodeJS.ProcessEnv }

export function ensureTestUser(name = HARDENING_USER): TestUser {
  let created = false;
  if (spawnSync('id', ['-u', name]).status !== 0) {
    execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', name]);
    created = true;
  }
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }));
  return { name, uid, gid, created, env: { SUDO_UID: String(uid), SUDO_GID: String(gid), SUDO_USER: name } };
}

export function removeTestUser(u: TestUser): void {
  if (u.created) spawnSync('userdel', [u.name]);
}

/** A directory root owns and others may read (0755), for installs and for objects the user must read. */
export function rootDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** A root-owned helper install with these limits (undefined: no limits.json, the defaults); returns helper.js. */
export function installHelper(limits?: Partial<HelperLimits>): { helper: string; dir: string } {
  const dir = rootDir('ebpf-install-');
  mkdirSync(path.join(dir, 'dist'), { mode: 0o755 });
  copyFileSync(path.join(DIST, 'helper.js'), path.join(dir, 'dist', 'helper.js'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  if (limits) writeFileSync(path.join(dir, 'limits.json'), JSON.stringify(limits), { mode: 0o644 });
  return { helper: path.join(dir, 'dist', 'helper.js'), dir };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Is a process with this pid still there? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitGone(pid: number, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !alive(pid);
}
