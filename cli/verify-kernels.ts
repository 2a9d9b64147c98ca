/**
 * `verify --kernel K [--kernel K2 ...]`: the same objects verified on each kernel (`host`, or a Debian kernel in a
 * VM), then a table of verdicts and the rejects that differ. One kernel keeps the `verify --json` shape (its
 * `kernel` names the release that answered); several give `{ runs: [...] }`; `--sarif` gives one SARIF run per
 * kernel, the kernel in each result's properties, so a CI job matrix can run one kernel per job.
 */
import path from 'node:path';
import { isEbpfError } from '../core/errors';
import { parseKernelList, type KernelSpec } from '../core/kernel-matrix/catalogue';
import { verifyOnKernel, type KernelRun, type KernelRunOptions } from '../core/kernel-matrix/verify-on-kernel';
import type { ProseBlock } from '../core/verifier-log/prose-block';
import type { ObjectReport, ProgramReport } from '../core/verify/report';
import { sarifLog, toSarif } from '../core/verify/sarif';
import { UsageError } from './args';
import { TOOL_VERSION } from './version';
import { formatProgram } from './format-human';

export interface KernelsOutput { json: boolean; sarif: boolean }

const cell = (p: ProgramReport | undefined) => !p ? '—' : p.verdict === 'accepted' ? 'accepted'
  : p.verdict === 'rejected' ? `rejected${p.location ? ` :${p.location.line}` : ''}` : p.verdict;

/** A program's identity across kernels: its object and its name. */
const key = (r: ObjectReport, p: ProgramReport) => `${r.source ?? r.object}\0${p.name}`;

/** What tells two verdicts apart: the verdict, and for a reject where and why. */
const signature = (p: ProgramReport | undefined) => !p ? '' : `${p.verdict}|${p.location?.file}:${p.location?.line}|${p.messageLines.join('\n')}`;

interface Cell { p: ProgramReport; prose: ProseBlock | null; kernel: string }

/** The 7.x kernel's own account of a reject (its prose block), which the report keeps only in part. */
function proseLines(prose: ProseBlock | null, kernel: string): string[] {
  if (!prose) return [];
  const out = [`    ${kernel}'s own report: Verification failed: ${prose.title}`];
  if (prose.reason) out.push(`      Reason: ${prose.reason}`);
  if (prose.at) out.push(`      At: ${prose.at.function} @ ${prose.at.file}:${prose.at.line}:${prose.at.column}`);
  return out;
}

const detail = (c: Cell) => [formatProgram(c.p), ...proseLines(c.prose, c.kernel)].join('\n').split('\n').map((l) => `  ${l}`).join('\n');

export function formatMatrix(runs: KernelRun[]): string {
  const rows = new Map<string, { label: string; byKernel: (Cell | undefined)[] }>();
  runs.forEach((run, k) => {
    run.reports.forEach((r, i) => {
      r.programs.forEach((p, j) => {
        const id = key(r, p);
        if (!rows.has(id)) rows.set(id, { label: `${path.basename(r.source ?? r.object)}:${p.name}`, byKernel: runs.map(() => undefined) });
        rows.get(id)!.byKernel[k] = { p, prose: run.verified?.[i]?.[j]?.summary.prose ?? null, kernel: r.kernel };
      });
    });
  });
  const heads = runs.map((r) => r.reports[0]?.kernel ?? r.requested);
  const width0 = Math.max(7, ...[...rows.values()].map((r) => r.label.length));
  const widths = heads.map((h, k) => Math.max(h.length, ...[...rows.values()].map((r) => cell(r.byKernel[k]?.p).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(i === 0 ? width0 : widths[i - 1])).join('  ').trimEnd();
  const out = [line(['program', ...heads]), line(['-'.repeat(width0), ...widths.map((w) => '-'.repeat(w))])];
  for (const r of rows.values()) out.push(line([r.label, ...r.byKernel.map((c) => cell(c?.p))]));
  out.push(line(['time', ...runs.map((r) => `${(r.timing.totalMs / 1000).toFixed(1)} s${r.timing.downloadedBytes ? ' (download)' : ''}`)]));
  const differing = [...rows.values()].filter((r) => new Set(r.byKernel.map((c) => signature(c?.p))).size > 1);
  const same = [...rows.values()].filter((r) => !differing.includes(r) && r.byKernel.some((c) => c && c.p.verdict !== 'accepted'));
  if (differing.length > 0) {
    out.push('', `Verdicts that differ between kernels (${differing.length}):`);
    for (const r of differing) {
      out.push('', r.label);
      r.byKernel.forEach((c, k) => {
        if (!c) return;
        out.push(`  on ${heads[k]}:`, detail(c));
      });
    }
  } else if (runs.length > 1) {
    out.push('', 'Every kernel gave the same verdicts.');
  }
  // a reject every kernel shares is shown once (with one kernel: every reject), else it would only be a table cell
  if (same.length > 0) {
    out.push('', runs.length > 1 ? `Rejected alike on every kernel (${same.length}):` : `Not accepted (${same.length}):`);
    for (const r of same) {
      const k = r.byKernel.findIndex((c) => c !== undefined);
      // the 7.x kernel's own prose, when one of them printed it
      const withProse = r.byKernel.find((c) => c?.prose) ?? r.byKernel[k]!;
      out.push('', r.label, detail({ ...withProse, p: r.byKernel[k]!.p }));
    }
  }
  return out.join('\n').trimEnd();
}

/** One SARIF log with a run per kernel: each run's results carry that kernel in their properties. */
export function matrixSarif(runs: KernelRun[]): object {
  const perKernel = runs.map((run) => {
    const doc = toSarif(run.reports, TOOL_VERSION) as { runs: Record<string, unknown>[] };
    const kernel = run.reports[0]?.kernel ?? run.requested;
    return { ...doc.runs[0], automationDetails: { id: `ebpf-debugger/verify/${kernel}/` }, properties: { kernel, requested: run.requested } };
  });
  const log = sarifLog(TOOL_VERSION, [], []) as { runs: unknown[] };
  return { ...log, runs: perKernel };
}

const jsonOf = (run: KernelRun) => (run.reports.length === 1 ? run.reports[0] : run.reports);

/** `inputs` is called inside the error handling: a directory without objects is reported like any failure. */
export async function runVerifyKernels(kernelArgs: string[], inputs: () => string[], opts: KernelRunOptions, out: KernelsOutput): Promise<number> {
  let specs: KernelSpec[];
  try {
    specs = parseKernelList(kernelArgs);
  } catch (e) {
    if (isEbpfError(e)) throw new UsageError(e.message);
    throw e;
  }
  const runs: KernelRun[] = [];
  const progress = (m: string) => process.stderr.write(`ebpf-debugger: ${m}\n`);
  try {
    // one kernel at a time: two TCG guests on a 2-core machine gain little, and the downloads come one by one
    const files = inputs();
    for (const spec of specs) runs.push(await verifyOnKernel(files, spec, { ...opts, progress }));
  } catch (e) {
    if (!isEbpfError(e)) throw e;
    process.stderr.write(`ebpf-debugger: ${e.message}\n`);
    if (out.json) process.stdout.write(JSON.stringify({ error: { kind: e.code, message: e.message }, runs: runs.map(jsonOf) }, null, 2) + '\n');
    return 2;
  }
  if (out.json) process.stdout.write(JSON.stringify(runs.length === 1 ? jsonOf(runs[0]) : { runs: runs.map(jsonOf) }, null, 2) + '\n');
  else if (out.sarif) process.stdout.write(JSON.stringify(matrixSarif(runs), null, 2) + '\n');
  else process.stdout.write(formatMatrix(runs) + '\n');
  return runs.some((r) => r.reports.some((o) => o.programs.some((p) => p.verdict !== 'accepted'))) ? 1 : 0;
}
