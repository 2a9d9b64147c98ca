/**
 * `verify` of a 70-program object (issue 15): one helper for the whole object; the figure is the time per program
 * beyond the kernel's own verification time (the goal: under 20 ms).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildBpfSource } from '../core/build/clang';
import { HelperClient } from '../core/loader/helper-client';
import { verifyObject } from '../core/verify/verify-object';

const PROGRAMS = 70;

/** A generated source: 70 small XDP programs sharing one array map. */
function seventyPrograms(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const src = path.join(dir, 'seventy.bpf.c');
  const progs = Array.from({ length: PROGRAMS }, (_, i) =>
    `SEC("xdp") int prog_${i}(struct xdp_md *ctx) { __u32 k = 0; __u64 *v = bpf_map_lookup_elem(&counts, &k); if (v) *v += ${i}; return XDP_PASS; }`);
  writeFileSync(src, ['#include <linux/bpf.h>', '#include <bpf/bpf_helpers.h>',
    'struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } counts SEC(".maps");',
    ...progs, 'char LICENSE[] SEC("license") = "GPL";', ''].join('\n'));
  return src;
}

export async function benchManyPrograms(repo: string, report: (name: string, value: string) => void): Promise<void> {
  const object = (await buildBpfSource(seventyPrograms(path.join(repo, 'out', 'bench-seventy')))).object;
  const helper = new HelperClient({ helperPath: path.join(repo, 'dist', 'helper.js') });
  try {
    await verifyObject(helper, object); // warm: libbpf's feature probes, the log buffer
    const runs: { wall: number; kernel: number; load: number }[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = process.hrtime.bigint();
      const run = await verifyObject(helper, object);
      const wall = Number(process.hrtime.bigint() - t0) / 1e6;
      if (run.report.programs.length !== PROGRAMS || run.report.programs.some((p) => p.verdict !== 'accepted')) throw new Error('the 70 programs did not all verify');
      const kernel = run.report.programs.reduce((n, p) => n + (p.stats.verificationTimeUs ?? 0), 0) / 1000;
      runs.push({ wall, kernel, load: 0 });
    }
    runs.sort((a, b) => a.wall - b.wall);
    const m = runs[Math.floor(runs.length / 2)];
    report(`verify, ${PROGRAMS}-program object, one helper (median of 5)`,
      `${m.wall.toFixed(0)} ms in all, kernel verification ${m.kernel.toFixed(1)} ms: ${((m.wall - m.kernel) / PROGRAMS).toFixed(1)} ms per program beyond the kernel's time (goal < 20)`);
  } finally {
    await helper.close();
  }
}
