import type { ProgramTrace } from './runtime/program-trace';
import { HOST_KERNEL } from '../core/editor-events';

/** Rejects first (what the user came for), then load errors, then accepted programs; each group in its order. */
const rank = (t: ProgramTrace) => (t.program.report.verdict === 'rejected' ? 0 : t.program.report.verdict === 'error' ? 1 : 2);

/** The session's threads in the order they are listed and run: thread id = index + 1 (sort is stable). */
export function orderThreads(traces: ProgramTrace[]): ProgramTrace[] {
  return [...traces].sort((a, b) => rank(a) - rank(b));
}

const MARK: Record<string, string> = { rejected: '✗', error: '!', accepted: '✓', unknown: '?' };

/**
 * A short name with the verdict first, so the Call Stack's "paused" badge never hides it: "✗ null_deref (xdp)",
 * or with several kernels "✗ null_deref @ 6.1". The section is cut to its program type (kprobe/do_sys_open: kprobe).
 */
export function threadName(t: ProgramTrace, severalKernels: boolean): string {
  const r = t.program.report;
  const mark = MARK[r.verdict] ?? '?';
  if (severalKernels || t.kernel !== HOST_KERNEL) return `${mark} ${r.name} @ ${t.kernel}`;
  const type = r.section ? r.section.split('/')[0] : '';
  return `${mark} ${r.name}${type ? ` (${type})` : ''}`;
}
