/**
 * What the guest wrote on its serial port, read back: per object bpftool's output and exit status, and from that
 * each program's verdict. bpftool loads the whole object and libbpf stops at the first program the kernel refuses,
 * so programs before it were accepted, the refused one carries the kernel's log, and later ones were not verified.
 */
import type { VerifyResult } from '../loader/protocol';
import type { BpfObject } from '../source-map/bpf-object';
import { programMap } from '../source-map/object-source-map';
import { analyzeLog } from '../verifier-log/parse';
import { buildProgramReport } from '../verify/program-report';
import type { ProgramReport } from '../verify/report';
import { programReport } from '../verify/verify-object';

export interface GuestObjectOutput {
  /** bpftool's output for the object (libbpf's messages and the log). */
  output: string;
  rc: number | null;
}

export interface GuestResult {
  release: string | null;
  objects: Map<string, GuestObjectOutput>;
}

export function parseGuestResult(text: string): GuestResult {
  const lines = text.replace(/\r/g, '').split('\n');
  const objects = new Map<string, GuestObjectOutput>();
  let release: string | null = null;
  let current: { name: string; lines: string[] } | null = null;
  for (const line of lines) {
    const k = /^=== KERNEL (\S+)/.exec(line);
    if (k) { release = k[1]; continue; }
    const b = /^=== BEGIN (\S+)$/.exec(line);
    if (b) { current = { name: b[1], lines: [] }; continue; }
    const e = /^=== END (\S+) rc=(\d+)$/.exec(line);
    if (e && current && e[1] === current.name) {
      objects.set(current.name, { output: current.lines.join('\n'), rc: Number(e[2]) });
      current = null;
      continue;
    }
    if (current) current.lines.push(line);
  }
  // an object whose END never came (the guest died while loading it): what it printed, with no status
  if (current) objects.set(current.name, { output: current.lines.join('\n'), rc: null });
  return { release, objects };
}

/** The kernel's log for the refused program: the lines libbpf printed between its markers. */
export function kernelLog(output: string): string {
  const m = /-- BEGIN PROG LOAD LOG --\n([\s\S]*?)(?:\n)?-- END PROG LOAD LOG --/.exec(output);
  return m ? m[1] + '\n' : '';
}

/** libbpf's own lines (outside the kernel's log), as the helper reports them. */
export function libbpfLines(output: string): string[] {
  // the whole marker line goes: `libbpf: prog 'x': -- BEGIN PROG LOAD LOG --` through `-- END PROG LOAD LOG --`
  const withoutLog = output.replace(/^[^\n]*-- BEGIN PROG LOAD LOG --[\s\S]*?-- END PROG LOAD LOG --[^\n]*$/m, '');
  return withoutLog.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('libbpf: ')).map((l) => l.slice('libbpf: '.length));
}

/** The object's programs in the order libbpf loads them: by section, then by offset within it. */
export function loadOrder(obj: BpfObject): { name: string; section: string }[] {
  return [...obj.programs].sort((a, b) => a.section.index - b.section.index || a.start - b.start)
    .map((p) => ({ name: p.name, section: p.section.name }));
}

const NOT_REACHED = 'Not verified on this kernel: libbpf stops loading the object at the first program the kernel refuses.';

/** Each program's report from the guest's output for its object. */
export function programReportsFromGuest(out: GuestObjectOutput | undefined, obj: BpfObject, roots: string[]): ProgramReport[] {
  const programs = loadOrder(obj);
  const empty = analyzeLog('').summary;
  if (!out || out.rc === null) {
    const why = out ? 'The VM stopped while this object was loading.' : 'The VM did not report on this object.';
    return programs.map((p) => buildProgramReport(empty, { name: p.name, section: p.section, verdict: 'error', errno: null, errorLines: [why], logBytes: 0, truncated: false, libbpf: [], roots }));
  }
  const libbpf = libbpfLines(out.output);
  if (out.rc === 0) {
    return programs.map((p) => programReport(result(p, 0, 0, []), [], roots, obj).report);
  }
  const refused = /^libbpf: prog '([^']+)': (?:BPF program load failed|failed to load)/m.exec(out.output)?.[1] ?? null;
  const errno = Number(/^libbpf: prog '[^']+': failed to load: -(\d+)/m.exec(out.output)?.[1] ?? 0);
  const at = programs.findIndex((p) => p.name === refused);
  if (at < 0) {
    // the object failed before any program reached the verifier (a map, BTF, a CO-RE relocation): one cause for all
    const lines = libbpf.length > 0 ? libbpf : out.output.trim().split('\n').slice(-3);
    return programs.map((p) => buildProgramReport(empty, { name: p.name, section: p.section, verdict: 'error', errno: errno || null, errorLines: lines, logBytes: 0, truncated: false, libbpf, roots }));
  }
  return programs.map((p, i) => {
    if (i < at) return programReport(result(p, 0, 0, []), [], roots, obj).report;
    if (i > at) return buildProgramReport(empty, { name: p.name, section: p.section, verdict: 'unknown', errno: null, errorLines: [NOT_REACHED], logBytes: 0, truncated: false, libbpf: [], roots, map: programMap(obj, p.name) });
    const log = Buffer.from(kernelLog(out.output));
    return programReport(result(p, errno || 22, log.length, libbpf), [log], roots, obj).report;
  });
}

function result(p: { name: string; section: string }, errno: number, logBytes: number, libbpf: string[]): VerifyResult {
  return { program: p.name, section: p.section, errno, logBytes, libbpf, loadUs: 0 };
}
