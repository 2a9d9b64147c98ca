/**
 * Which kernels can be had, and from where: Debian's kernel packages, by suite. A kernel is asked for by its
 * release series (`6.1`), by an exact Debian ABI (`6.1.0-50`), or as `host` (the running kernel, no VM).
 */
import { EbpfError } from '../errors';

export interface KernelSeries {
  /** `major.minor`, as users name it. */
  series: string;
  /** The Debian suites that carry it, most stable first (each one is fetched only when this series is wanted). */
  suites: string[];
}

/** What ../shared/docs/kernel-matrix.md found reachable; 7.x packages are laid out differently (linux-binary-*). */
export const KERNEL_SERIES: KernelSeries[] = [
  { series: '5.10', suites: ['bullseye', 'bullseye-security'] },
  { series: '6.1', suites: ['bookworm', 'bookworm-security'] },
  { series: '6.12', suites: ['trixie', 'trixie-security', 'bookworm-backports'] },
  { series: '6.16', suites: ['trixie-backports'] },
  { series: '6.17', suites: ['trixie-backports'] },
  { series: '6.18', suites: ['trixie-backports'] },
  { series: '7.2', suites: ['sid'] },
  { series: '7.3', suites: ['trixie-backports', 'experimental'] },
];

export type KernelSpec =
  | { kind: 'host' }
  /** `abi` set: exactly that Debian ABI (`6.1.0-50`), else the newest of the series. */
  | { kind: 'debian'; series: string; abi: string | null; text: string };

/** `host`, `6.1`, `6.1.0-50` (or a release such as `6.1.0-50-cloud-amd64`): anything else is a usage error. */
export function parseKernelSpec(text: string): KernelSpec {
  const t = text.trim();
  if (t === 'host') return { kind: 'host' };
  const m = /^(\d+)\.(\d+)(?:\.(\d+)-(\d+)(?:-[a-z0-9-]+)?)?$/.exec(t);
  if (!m) {
    throw new EbpfError('usage', `--kernel '${text}' names no kernel.`,
      `Use host, a series (${KERNEL_SERIES.map((k) => k.series).join(', ')}) or a Debian ABI such as 6.1.0-50; \`ebpf-debugger kernels\` lists them.`);
  }
  const series = `${m[1]}.${m[2]}`;
  if (!KERNEL_SERIES.some((k) => k.series === series)) {
    throw new EbpfError('usage', `Kernel ${series} is not one Debian's archive carries.`,
      `Available series: ${KERNEL_SERIES.map((k) => k.series).join(', ')} (or host).`);
  }
  return { kind: 'debian', series, abi: m[3] !== undefined ? `${m[1]}.${m[2]}.${m[3]}-${m[4]}` : null, text: t };
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

/** An image package this runner can boot: the cloud flavour (a quarter of the generic one's size), else generic. */
export interface ImagePackage { name: string; abi: string; flavour: 'cloud' | 'generic' }

/** The image packages among apt's package names, for a series: no -dbg, -unsigned, -rt or other arches. */
export function imagePackages(names: string[], series: string): ImagePackage[] {
  const out: ImagePackage[] = [];
  const re = /^linux-image-(\d+\.\d+\.\d+-\d+)-(cloud-)?amd64$/;
  for (const name of names) {
    const m = re.exec(name);
    if (!m || !m[1].startsWith(series + '.')) continue;
    out.push({ name, abi: m[1], flavour: m[2] ? 'cloud' : 'generic' });
  }
  // newest ABI first; within one ABI the cloud flavour first
  return out.sort((a, b) => compareAbi(b.abi, a.abi) || (a.flavour === 'cloud' ? -1 : 1) - (b.flavour === 'cloud' ? -1 : 1));
}

export function compareAbi(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The package for a spec: the exact ABI when one was named, else the newest; cloud flavour preferred. */
export function pickImagePackage(names: string[], spec: Extract<KernelSpec, { kind: 'debian' }>): ImagePackage | null {
  const all = imagePackages(names, spec.series);
  return (spec.abi ? all.find((p) => p.abi === spec.abi) : all[0]) ?? null;
}
