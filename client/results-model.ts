/**
 * What the "eBPF Verifier" results view shows, computed from the verdict store's entries without vscode: objects
 * (units) with their programs and verdicts, a verdict per kernel when a program was verified on several, and under a
 * rejected program its message, explanation, fix and the failing path's source lines. Every row's text says its
 * verdict in words ("rejected", "verified"), so it reads the same without the icons.
 */
import path from 'node:path';
import { compareVersions } from '../core/util/version';
import type { ProgramReport, SourceLocation, Verdict } from '../core/verify/report';
import { hotLineRows } from './hot-lines-model';
import { HOST_KERNEL, type VerdictOrigin } from '../core/editor-events';
import type { VerdictEntry } from './verdict-store';

/** A VerdictStore entry (a type-only import: this module stays free of vscode at run time, for node:test). */
export type VerdictRecord = VerdictEntry;

export type RowIcon = 'pass' | 'error' | 'warning' | 'question' | 'file' | 'info' | 'lightbulb' | 'flame' | 'arrow-right' | 'list-tree';

export type RowKind = 'unit' | 'program' | 'kernel' | 'detail';

export interface Row {
  /** Stable across refreshes: the tree keeps a row expanded while its verdict is re-recorded. */
  id: string;
  kind: RowKind;
  label: string;
  description?: string;
  tooltip: string;
  icon: RowIcon;
  /** The verdict a unit, program or kernel row stands for (drives the icon's colour). */
  verdict?: Verdict;
  /** Where a click goes. */
  location?: SourceLocation;
  /** A unit row's source or object (what Verify Again verifies). */
  unit?: string;
  children: Row[];
  /** Expanded at first: a rejected program, so its message shows without a click. */
  expanded?: boolean;
}

const VERDICT_ORDER: Record<Verdict, number> = { rejected: 0, error: 1, unknown: 2, accepted: 3 };
const VERDICT_WORD: Record<Verdict, string> = { rejected: 'rejected', error: 'error', unknown: 'no verdict', accepted: 'verified' };
const VERDICT_ICON: Record<Verdict, RowIcon> = { rejected: 'error', error: 'warning', unknown: 'question', accepted: 'pass' };

/** The worst of several verdicts: a unit is as bad as its worst program. */
const worst = (vs: Verdict[]): Verdict => vs.reduce((a, b) => (VERDICT_ORDER[b] < VERDICT_ORDER[a] ? b : a), 'accepted' as Verdict);

/** "host" first, then kernel labels in version order ("5.10" < "6.1" < "6.1.0-9" < "6.1.0-50" < "7.3.4+deb13"). */
export function compareKernels(a: string, b: string): number {
  if (a === b) return 0;
  if (a === HOST_KERNEL) return -1;
  if (b === HOST_KERNEL) return 1;
  return compareVersions(a, b) || a.localeCompare(b);
}

export function truncate(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1).trimEnd()}…`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** One program's verdict in a few words: "verified · 42 insns", "rejected: R0 invalid mem access ...". */
export function verdictText(p: ProgramReport, max = 60): string {
  const word = VERDICT_WORD[p.verdict];
  if (p.verdict === 'accepted') return p.stats.processedInsns !== undefined ? `${word} · ${count(p.stats.processedInsns)} insns` : word;
  const why = p.message ?? p.messageLines[0] ?? (p.errnoName ? `${p.errnoName}` : null);
  return why ? `${word}: ${truncate(why, max)}` : word;
}

const rowId = (...parts: (string | number)[]) => parts.join('\u0000');
const where = (l: { file: string; line: number }) => `${path.basename(l.file)}:${l.line}`;

/** The rows under one verdict: message, explanation, fix, the failing path (or hot lines), notes. */
function detailRows(id: string, p: ProgramReport): Row[] {
  if (p.verdict === 'accepted') return [];
  const rows: Row[] = [];
  const message = p.messageLines.length > 0 ? p.messageLines.join('\n') : (p.message ?? '');
  if (message) {
    rows.push({
      kind: 'detail', id: rowId(id, 'message'), label: truncate(message, 120), description: p.location ? `at ${where(p.location)}` : undefined,
      tooltip: `${message}${p.location ? `\n${p.location.file}:${p.location.line}${p.locationApproximate ? ' (approximate)' : ''}` : ''}`,
      icon: p.verdict === 'rejected' ? 'error' : 'warning', location: p.location ?? undefined, children: [],
    });
  }
  if (p.explanation) {
    const [saw, ...rest] = p.explanation.explanation.split('\n');
    rows.push({ kind: 'detail', id: rowId(id, 'why'), label: `Why: ${p.explanation.title}`, description: saw, tooltip: [p.explanation.title, saw, ...rest].join('\n'), icon: 'info', children: [] });
  }
  const fix = p.suggestion ?? p.explanation?.fix ?? null;
  if (fix) {
    const both = p.suggestion && p.explanation?.fix ? `${p.suggestion}\n${p.explanation.fix}` : fix;
    rows.push({ kind: 'detail', id: rowId(id, 'fix'), label: `Fix: ${truncate(fix, 120)}`, tooltip: both, icon: 'lightbulb', children: [] });
  }
  const hot = hotLineRows(p);
  if (hot.length > 0) {
    rows.push({
      kind: 'detail', id: rowId(id, 'hot'), label: 'Hot lines', description: `busiest ${hot.length}`, tooltip: 'The source lines the verifier spent its instructions on, busiest first.',
      icon: 'flame', expanded: true, children: hot.map((h, i): Row => ({
        kind: 'detail', id: rowId(id, 'hot', i), label: `line ${h.line}: ${h.text}`, description: path.basename(h.file), tooltip: `${h.file}:${h.line}\n${h.text}`,
        icon: 'flame', location: { file: h.file, line: h.line, column: null }, children: [],
      })),
    });
  }
  // a complexity reject's path is one trip round the loop: its hot lines say where the work went instead
  const steps = hot.length > 0 ? [] : failingPath(p);
  if (steps.length > 0) {
    rows.push({
      kind: 'detail', id: rowId(id, 'path'), label: p.causalPath && p.causalPath.length > 0 ? 'Causal path' : 'Failing path', description: `${steps.length} lines`,
      tooltip: p.causalPath && p.causalPath.length > 0 ? 'Where the failing value came from, origin first, up to the reject.' : 'The last source lines the verifier walked before it refused, oldest first.',
      icon: 'list-tree', expanded: true, children: steps.map((s, i): Row => ({
        kind: 'detail', id: rowId(id, 'path', i), label: `line ${s.line}: ${truncate(s.text, 100)}`, description: s.detail, tooltip: `${s.file}:${s.line}\n${s.text}${s.detail ? `\n${s.detail}` : ''}`,
        icon: 'arrow-right', location: { file: s.file, line: s.line, column: s.column }, children: [],
      })),
    });
  }
  if (p.truncated) {
    rows.push({ kind: 'detail', id: rowId(id, 'truncated'), label: 'The verifier\'s log was cut short', description: 'the path may be incomplete',
      tooltip: 'The log filled its buffer before the verdict: the message and path come from the part that was kept.', icon: 'warning', children: [] });
  }
  for (const [i, note] of p.notes.entries()) rows.push({ kind: 'detail', id: rowId(id, 'note', i), label: truncate(note, 120), tooltip: note, icon: 'info', children: [] });
  return rows;
}

interface PathLine { file: string; line: number; column: number | null; text: string; detail: string }

/** The causal path when the analysis found one (origin first), else the last source lines on the failing path. */
export function failingPath(p: ProgramReport): PathLine[] {
  const causal = (p.causalPath ?? []).filter((s) => s.file !== null && s.line !== null)
    .map((s) => ({ file: s.file!, line: s.line!, column: s.column, text: s.text, detail: `${s.role}: ${s.detail}` }));
  if (causal.length > 0) {
    // the reject's own line ends the path, so a click on the last step lands where the verifier refused
    const last = causal[causal.length - 1];
    if (p.location && (last.file !== p.location.file || last.line !== p.location.line)) {
      causal.push({ file: p.location.file, line: p.location.line, column: p.location.column, text: p.sourceText ?? '', detail: 'reject' });
    }
    return causal;
  }
  return p.sourcePath.map((s) => ({ file: s.file, line: s.line, column: null, text: s.text, detail: '' }));
}

function programTooltip(e: VerdictRecord): string {
  const p = e.program;
  return [
    `${p.name}${p.section ? ` (SEC("${p.section}"))` : ''}: ${VERDICT_WORD[p.verdict]}`,
    p.message ?? '',
    `kernel ${e.kernel === e.report.kernel ? e.kernel : `${e.kernel} (${e.report.kernel})`}, from ${ORIGIN_WORD[e.origin]}`,
    p.stats.processedInsns !== undefined ? `${count(p.stats.processedInsns)} instructions processed` : '',
  ].filter((l) => l !== '').join('\n');
}

const ORIGIN_WORD: Record<VerdictOrigin, string> = { verify: 'Verify Object', debug: 'a debug session', save: 'verify on save', log: 'a verifier log' };

function programRow(unitId: string, name: string, entries: VerdictRecord[]): Row {
  const id = rowId(unitId, name);
  const kernels = [...entries].sort((a, b) => compareKernels(a.kernel, b.kernel));
  const verdict = worst(kernels.map((e) => e.program.verdict));
  if (kernels.length === 1) {
    const e = kernels[0];
    const label = e.kernel === HOST_KERNEL ? name : `${name} (${e.kernel})`;
    return {
      kind: 'program', id, label, description: verdictText(e.program), tooltip: programTooltip(e), icon: VERDICT_ICON[verdict], verdict,
      location: e.program.location ?? undefined, children: detailRows(id, e.program), expanded: verdict !== 'accepted',
    };
  }
  // several kernels: one child per kernel, the description says where they differ
  const words = kernels.map((e) => `${e.kernel}: ${VERDICT_WORD[e.program.verdict]}`);
  const differ = new Set(kernels.map((e) => e.program.verdict)).size > 1;
  return {
    kind: 'program', id, label: name, description: words.join(' · '), tooltip: `${name}${differ ? ': the verdict differs between kernels' : ''}\n${words.join('\n')}`,
    icon: VERDICT_ICON[verdict], verdict, expanded: verdict !== 'accepted',
    children: kernels.map((e): Row => {
      const kid = rowId(id, 'kernel', e.kernel);
      return {
        kind: 'kernel', id: kid, label: e.kernel, description: verdictText(e.program), tooltip: programTooltip(e), icon: VERDICT_ICON[e.program.verdict],
        verdict: e.program.verdict, location: e.program.location ?? undefined, children: detailRows(kid, e.program), expanded: false,
      };
    }),
  };
}

/** "1 rejected · 2 verified": how many programs had each verdict, worst first. */
function unitSummary(verdicts: Verdict[]): string {
  const order: Verdict[] = ['rejected', 'error', 'unknown', 'accepted'];
  return order.map((v) => [v, verdicts.filter((x) => x === v).length] as const).filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v === 'error' ? 'failed to load' : VERDICT_WORD[v]}`).join(' · ');
}

/** The whole tree: units with a reject first, then by file name; in each, rejected programs first. */
export function resultRows(entries: readonly VerdictRecord[]): Row[] {
  const units = new Map<string, Map<string, VerdictRecord[]>>();
  for (const e of entries) {
    const programs = units.get(e.unit) ?? units.set(e.unit, new Map()).get(e.unit)!;
    (programs.get(e.program.name) ?? programs.set(e.program.name, []).get(e.program.name)!).push(e);
  }
  const rows = [...units].map(([unit, programs]) => {
    const children = [...programs].map(([name, es]) => programRow(unit, name, es))
      .sort((a, b) => VERDICT_ORDER[a.verdict!] - VERDICT_ORDER[b.verdict!] || a.label.localeCompare(b.label));
    const verdict = worst(children.map((c) => c.verdict!));
    const description = unitSummary(children.map((c) => c.verdict!));
    return {
      kind: 'unit' as RowKind, id: unit, unit, label: path.basename(unit), description, tooltip: `${unit}\n${description}`, icon: 'file' as RowIcon, verdict,
      // an object (.o) is no text to open
      location: /\.[ch]$/.test(unit) ? { file: unit, line: 1, column: null } : undefined, children, expanded: true,
    };
  });
  return rows.sort((a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
}
