/**
 * The per-user cache for built objects, generated headers and saved logs: $XDG_CACHE_HOME/ebpf-debugger, by
 * default ~/.cache/ebpf-debugger. It used to be a predictable /tmp/ebpf-debugger-<uid>, which another user could
 * create first and fill with objects of their choosing; now it is created 0700, and an existing directory that
 * is not the user's own, or that others may write to, is refused.
 */
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EbpfError } from '../errors';

/** Where the cache is (nothing is created or checked: for lookups that tolerate its absence). */
export function cacheDirPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  // the XDG spec: a relative $XDG_CACHE_HOME is invalid and is ignored
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'ebpf-debugger');
}

/** The cache directory, created 0700 if absent, and refused if it is not safe to build into. */
export function buildCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = cacheDirPath(env);
  const uid = process.getuid?.() ?? 0;
  try {
    mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new EbpfError('usage', `Cannot create the build cache ${dir}: ${(e as Error).message}.`,
        'Set XDG_CACHE_HOME to a directory of yours (the cache goes in its ebpf-debugger/ subdirectory).');
    }
  }
  const link = lstatSync(dir);
  const st = link.isSymbolicLink() ? statSync(dir) : link;
  const fix = `Remove it or fix it (\`chmod 700 ${dir}\`), or set XDG_CACHE_HOME to a directory of yours.`;
  if (!st.isDirectory()) throw new EbpfError('usage', `The build cache ${dir} is not a directory.`, fix);
  if (link.isSymbolicLink() && link.uid !== uid) throw new EbpfError('usage', `The build cache ${dir} is a symbolic link owned by uid ${link.uid}, not by you (uid ${uid}).`, fix);
  if (st.uid !== uid) throw new EbpfError('usage', `The build cache ${dir} is owned by uid ${st.uid}, not by you (uid ${uid}): objects in it could be someone else's.`, fix);
  if ((st.mode & 0o022) !== 0) throw new EbpfError('usage', `The build cache ${dir} is writable by others (mode ${(st.mode & 0o777).toString(8)}): they could swap the objects you verify.`, fix);
  return dir;
}
