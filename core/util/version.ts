/**
 * One ordering for the dotted versions this project compares: libbpf releases (`1.5`, `1.4.7`), Debian kernel ABIs
 * (`6.1.0-50`, `7.3.4+deb13`). Numeric field by field, so 6.1.0-10 is newer than 6.1.0-9; a missing field counts
 * as 0 (1.5 = 1.5.0); a field that does not start with a digit (`deb13`, `rc1`) counts as 0 too, so a suffix never
 * outranks a number.
 */
export function compareVersions(a: string, b: string): number {
  const pa = fields(a);
  const pb = fields(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function fields(v: string): number[] {
  return v.trim().replace(/^v/, '').split(/[.+~-]/).map((f) => Number.parseInt(f, 10) || 0);
}

/** a < b in that ordering. */
export const versionOlder = (a: string, b: string): boolean => compareVersions(a, b) < 0;
