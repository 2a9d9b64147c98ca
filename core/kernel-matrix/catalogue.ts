/**
 * Which kernels can be had, and from where: Debian's kernel packages, by suite. A kernel is asked for by its
 * release series (`6.1`), by an exact Debian ABI (`6.1.0-50`), or as `host` (the running kernel, no VM).
 */
import { EbpfError } from '../errors';
import { compareVersions } from '../util/version';

export interface KernelSeries {
  /** `major.minor`, as users name it. */
  series: string;
  /** The Debian suites that carry it, most stable first (each one is fetched only when this series is wanted). */
  suites: string[];
}

/**
 * What Debian's archive carries, checked through the private apt on this project's mirror (Dec 2026). Debian 12
 * carries 6.12 beside 6.1 (bookworm, bookworm-security), so the two share one set of lists; trixie-backports carries
 * 6.16 to 7.3 (sid and experimental were left out: experimental's Release file on the mirror has expired, and
 * apt refuses it). From 6.16 the ABI is the upstream version (`7.3.4+deb13`), and from 6.19 the image package is a
 * metapackage: its vmlinuz is in `linux-binary-*`.
 */
const BACKPORTS = ['trixie-backports'];
export const KERNEL_SERIES: KernelSeries[] = [
  { series: '5.10', suites: ['bullseye', 'bullseye-security'] },
  { series: '6.1', suites: ['bookworm', 'bookworm-security'] },
  { series: '6.12', suites: ['bookworm', 'bookworm-security'] },
  ...['6.16', '6.17', '6.18', '6.19', '7.0', '7.1', '7.2', '7.3'].map((series) => ({ series, suites: BACKPORTS })),
];

export type KernelSpec =
  | { kind: 'host' }
  /** `abi` set: exactly that Debian ABI (`6.1.0-50`, `7.3.4+deb13`), else the newest of the series. */
  | { kind: 'debian'; series: string; abi: string | null; text: string };

/**
 * `host`, `6.1`, an ABI `6.1.0-50` or `7.3.4+deb13` (or a release such as `6.1.0-50-cloud-amd64`): anything else is
 * a usage error.
 */
export function parseKernelSpec(text: string): KernelSpec {
  const t = text.trim();
  if (t === 'host') return { kind: 'host' };
  const m = /^(\d+)\.(\d+)(?:\.(\d+)(-\d+|\+deb\d+)(?:-[a-z0-9-]+)?)?$/.exec(t);
  if (!m) {
    throw new EbpfError('usage', `--kernel '${text}' names no kernel.`,
      `Use host, a series (${KERNEL_SERIES.map((k) => k.series).join(', ')}) or a Debian ABI such as 6.1.0-50 or 7.3.4+deb13; \`ebpf-debugger kernels\` lists them.`);
  }
  const series = `${m[1]}.${m[2]}`;
  if (!KERNEL_SERIES.some((k) => k.series === series)) {
    throw new EbpfError('usage', `Kernel ${series} is not one Debian's archive carries.`,
      `Available series: ${KERNEL_SERIES.map((k) => k.series).join(', ')} (or host).`);
  }
  return { kind: 'debian', series, abi: m[3] !== undefined ? `${m[1]}.${m[2]}.${m[3]}${m[4]}` : null, text: t };
}

/** Several `--kernel` values (also comma-separated), deduplicated in the order given. */
export function parseKernelList(values: string[]): KernelSpec[] {
  const seen = new Set<string>();
  const out: KernelSpec[] = [];
  for (const v of values.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)) {
    const spec = parseKernelSpec(v);
    const key = specLabel(spec);
    if (!seen.has(key)) { seen.add(key); out.push(spec); }
  }
  return out;
}

export function specLabel(spec: KernelSpec): string {
  return spec.kind === 'host' ? 'host' : spec.abi ?? spec.series;
}

export function seriesOf(series: string): KernelSeries {
  const s = KERNEL_SERIES.find((k) => k.series === series);
  if (!s) throw new EbpfError('usage', `Kernel ${series} is not one Debian's archive carries.`);
  return s;
}

/**
 * An image package this runner can boot: the cloud flavour (a quarter of the generic one's size), else generic.
 * `vmlinuzPackage` is the package that holds its vmlinuz: the image package itself up to 6.18, its `linux-binary-*`
 * from 6.19 (where linux-image-* only depends on it, on linux-base-* and on the modules).
 */
export interface ImagePackage { name: string; abi: string; flavour: 'cloud' | 'generic'; vmlinuzPackage: string }

/**
 * The image packages among apt's package names (`linux-image-*` and `linux-binary-*`), for a series: no -dbg,
 * -unsigned, -rt or other arches.
 */
export function imagePackages(names: string[], series: string): ImagePackage[] {
  const out: ImagePackage[] = [];
  const all = new Set(names);
  const re = /^linux-image-(\d+\.\d+\.\d+(?:-\d+|\+deb\d+))-(cloud-)?amd64$/;
  for (const name of names) {
    const m = re.exec(name);
    if (!m || !m[1].startsWith(series + '.')) continue;
    const binary = `linux-binary-${m[1]}-${m[2] ?? ''}amd64`;
    out.push({ name, abi: m[1], flavour: m[2] ? 'cloud' : 'generic', vmlinuzPackage: all.has(binary) ? binary : name });
  }
  // newest ABI first; within one ABI the cloud flavour first
  return out.sort((a, b) => compareVersions(b.abi, a.abi) || (a.flavour === 'cloud' ? -1 : 1) - (b.flavour === 'cloud' ? -1 : 1));
}

/** The package for a spec: the exact ABI when one was named, else the newest; cloud flavour preferred. */
export function pickImagePackage(names: string[], spec: Extract<KernelSpec, { kind: 'debian' }>): ImagePackage | null {
  const all = imagePackages(names, spec.series);
  return (spec.abi ? all.find((p) => p.abi === spec.abi) : all[0]) ?? null;
}
