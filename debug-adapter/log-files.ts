import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildCacheDir } from '../core/build/cache-dir';
import { HOST_KERNEL } from '../core/editor-events';

/**
 * Where a program's full verifier log is saved: `<storage>/logs/<object>-<hash of its path>/<program>.verifier.log`
 * (`<program>@<kernel>.verifier.log` for a VM kernel). The storage is the workspace's (the client's storageUri),
 * else the user cache: two projects with a program of the same name, or two objects in one project, never
 * overwrite each other's logs. `.verifier.log` opens with the verifier-log language.
 */
export function logFilePath(storageDir: string | undefined, object: string, program: string, kernel = HOST_KERNEL): string {
  const abs = path.resolve(object);
  const hash = createHash('sha256').update(abs).digest('hex').slice(0, 12);
  const dir = path.join(storageDir ?? buildCacheDir(), 'logs', `${path.basename(abs)}-${hash}`);
  const safe = (s: string) => s.replace(/[^\w.@-]/g, '_');
  return path.join(dir, `${safe(program)}${kernel === HOST_KERNEL ? '' : `@${safe(kernel)}`}.verifier.log`);
}

export function saveLog(file: string, log: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, log);
}
