import { statSync, type Stats } from 'node:fs';

/** Values computed from files (parsed headers, BTF, compilation databases), each kept while its file is unchanged. */
export class FileStampCache<T> {
  private readonly entries = new Map<string, { mtimeMs: number; size: number; value: T }>();

  /** What was kept for `file`, if `st` (the file's stat now) still has the mtime and size it was computed for. */
  get(file: string, st: Stats): { value: T } | undefined {
    const hit = this.entries.get(file);
    return hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size ? hit : undefined;
  }

  set(file: string, st: Stats, value: T): void {
    this.entries.set(file, { mtimeMs: st.mtimeMs, size: st.size, value });
  }
}

/** The file's stat, or null when it cannot be had (missing, unreadable directory). */
export function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
