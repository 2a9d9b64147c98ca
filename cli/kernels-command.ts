/**
 * `ebpf-debugger kernels`: the kernels in the cache, and the series Debian's archive carries (with the exact
 * packages once a series' lists were fetched). `--fetch SERIES` downloads one ahead of time (CI caches).
 */
import { KERNEL_SERIES, imagePackages, parseKernelSpec } from '../core/kernel-matrix/catalogue';
import { cachedKernels, ensureKernel, kernelCacheRoot, kernelPackageNames } from '../core/kernel-matrix/kernel-store';
import { PrivateApt, aptUpdated } from '../core/kernel-matrix/private-apt';
import { isEbpfError } from '../core/errors';
import { UsageError, parseCommandArgs } from './args';

export async function runKernels(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    json: { type: 'boolean', default: false },
    fetch: { type: 'string', multiple: true },
  });
  if (positionals.length > 0) throw new UsageError(`takes no arguments (got '${positionals[0]}'); --fetch SERIES downloads a kernel.`);
  try {
    const root = kernelCacheRoot();
    for (const f of values.fetch ?? []) {
      let spec;
      try { spec = parseKernelSpec(f); } catch (e) { throw new UsageError((e as Error).message); }
      if (spec.kind === 'host') throw new UsageError('--fetch host: the host kernel needs no download.');
      const k = await ensureKernel(spec, { progress: (m) => process.stderr.write(`ebpf-debugger: ${m}\n`) });
      process.stderr.write(`ebpf-debugger: ${k.release} is in the cache (${k.dir}).\n`);
    }
    const cached = cachedKernels(root);
    const available = [];
    for (const s of KERNEL_SERIES) {
      const packages = aptUpdated(root, s.suites) ? imagePackages(await kernelPackageNames(new PrivateApt(root, s.suites)), s.series) : [];
      available.push({ series: s.series, suites: s.suites, packages: packages.filter((p) => p.flavour === 'cloud').map((p) => p.vmlinuzPackage) });
    }
    if (values.json) {
      process.stdout.write(JSON.stringify({ cache: root, cached: cached.map((k) => ({ release: k.release, series: k.series, package: k.packageName, packageBytes: k.packageBytes })), available }, null, 2) + '\n');
      return 0;
    }
    const out = [`Cached (${root}):`];
    if (cached.length === 0) out.push('  none yet: `verify --kernel 6.1` or `kernels --fetch 6.1` downloads one (6.1: about 27 MB).');
    for (const k of cached) out.push(`  ${k.release.padEnd(28)} ${k.series.padEnd(6)} from ${k.packageName} (${(k.packageBytes / 1e6).toFixed(1)} MB)`);
    out.push('', 'Available from Debian (--kernel SERIES, or an exact ABI such as 6.1.0-50 or 7.3.4+deb13):');
    for (const a of available) {
      const known = a.packages.length > 0 ? `: ${a.packages.slice(0, 3).join(', ')}${a.packages.length > 3 ? ', ...' : ''}` : ' (lists not fetched yet)';
      out.push(`  ${a.series.padEnd(6)} ${a.suites.join(', ')}${known}`);
    }
    out.push('', '  host   the running kernel, verified directly (no VM)');
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  } catch (e) {
    if (!isEbpfError(e)) throw e;
    process.stderr.write(`ebpf-debugger: ${e.message}\n`);
    return 2;
  }
}
