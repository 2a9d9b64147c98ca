import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The verifier prints only a file's basename (or a path relative to the compile directory).
 * Find it under the directories we know: the source's, the object's, and configured source roots.
 */
export function resolveSourceFile(logName: string, roots: string[]): string | null {
  if (path.isAbsolute(logName)) return existsSync(logName) ? logName : null;
  for (const root of roots) {
    const candidate = path.resolve(root, logName);
    if (existsSync(candidate)) return candidate;
  }
  const base = path.basename(logName);
  if (base !== logName) {
    for (const root of roots) {
      const candidate = path.resolve(root, base);
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}
