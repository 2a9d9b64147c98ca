/**
 * What the guest wrote on its serial port, read back: per object the guest loader's output, and in it each
 * program's errno, libbpf's messages and the kernel's log (see guest-loader-source.ts for the markers).
 */
import type { VerifyResult } from '../loader/protocol';
import type { BpfObject } from '../source-map/bpf-object';
import { analyzeLog } from '../verifier-log/parse';
import { buildProgramReport } from '../verify/program-report';
import type { ProgramReport } from '../verify/report';
import { programReport, type VerifiedProgram } from '../verify/verify-object';

export interface GuestObjectOutput {
  output: string;
  rc: number | null;
}

export interface GuestResult {
  release: string | null;
  libbpf: string | null;
  objects: Map<string, GuestObjectOutput>;
}

export function parseGuestResult(text: string): GuestResult {
  const lines = text.replace(/\r/g, '').split('\n');
  const objects = new Map<string, GuestObjectOutput>();
  let release: string | null = null;
  let libbpf: string | null = null;
  let current: { name: string; lines: string[] } | null = null;
  for (const line of lines) {
    const k = /^=== KERNEL (\S+)/.exec(line);
    if (k && !current) { release = k[1]; continue; }
    const b = /^=== BEGIN (\S+)$/.exec(line);
    if (b && !current) { current = { name: b[1], lines: [] }; continue; }
    const e = /^=== END (\S+) rc=(\d+)$/.exec(line);
    if (e && current && e[1] === current.name) {
      objects.set(current.name, { output: current.lines.join('\n'), rc: Number(e[2]) });
      current = null;
      continue;
    }
    const v = /^=== LIBBPF v?(\S+)/.exec(line);
    if (v) libbpf = v[1];
    if (current) current.lines.push(line);
  }
  // an object whose END never came (the guest died while loading it): what it printed, with no status
  if (current) objects.set(current.name, { output: current.lines.join('\n'), rc: null });
  return { release, libbpf, objects };
}

export interface GuestProgram {
  result: VerifyResult;
  log: Buffer;
  /** What the loader found missing in the guest's kallsyms or tracefs: `function tcp_foo`, `tracepoint g/n`. */
  attachMissing: string[];
}

/**
 * The programs the loader reported, in its order. A log is taken by its byte count, so that no line of it can be
 * mistaken for a marker; a program cut short (the guest died) has no result.
 */
export function guestPrograms(output: string): GuestProgram[] {
  const out: GuestProgram[] = [];
  const buf = Buffer.from(output);
  let pos = 0;
  const nextLine = () => {
    const nl = buf.indexOf(10, pos);
    const end = nl < 0 ? buf.length : nl;
    const line = buf.toString('utf8', pos, end);
    pos = nl < 0 ? buf.length : nl + 1;
    return line;
  };
  while (pos < buf.length) {
    const begin = /^=== PROG-BEGIN (\S+) (\S+)$/.exec(nextLine());
    if (!begin) continue;
    const libbpf: string[] = [];
    const attachMissing: string[] = [];
    let log = Buffer.alloc(0);
    let errno: number | null = null;
    while (pos < buf.length) {
      const line = nextLine();
      const lb = /^=== LOG-BEGIN (\d+)$/.exec(line);
      if (lb) {
        log = buf.subarray(pos, Math.min(buf.length, pos + Number(lb[1])));
        pos += Number(lb[1]);
        continue;
      }
      const end = /^=== PROG-END (\S+) errno=(\d+)$/.exec(line);
      if (end) { errno = Number(end[2]); break; }
      const missing = /^=== ATTACH-MISSING ((?:function|tracepoint) \S+)$/.exec(line);
      if (missing) attachMissing.push(missing[1]);
      else if (line.startsWith('libbpf: ')) libbpf.push(line.slice('libbpf: '.length));
    }
    if (errno === null) break;
    out.push({ result: { program: begin[1], section: begin[2], errno, logBytes: log.length, libbpf, loadUs: 0, logTruncated: errno === ENOSPC }, log, attachMissing });
  }
  return out;
}

const ENOSPC = 28;

/**
 * What this kernel lacks of the program's attach target, in words, or null: libbpf's own refusal to load a
 * BTF-attached program (fentry, fexit, lsm, tp_btf, ...) whose target is not in the guest's BTF, or the guest
 * loader's miss in kallsyms (kprobes) or tracefs (tracepoints), which a load alone never notices.
 */
export function missingAttachTarget(release: string, got: GuestProgram): string | null {
  const sec = `SEC("${got.result.section}")`;
  const btf = got.result.libbpf.map((l) => /failed to find kernel BTF type ID of '([^']+)'/.exec(l)).find((m) => m !== null);
  if (btf && got.result.errno !== 0) {
    // libbpf names the section's target; what it looked for in the BTF depends on the program type
    const kind = got.result.section.split('/')[0];
    const what = /^lsm/.test(kind) ? `LSM hook ${btf[1]} (bpf_lsm_${btf[1]})` : /^(tp_btf|raw_tp|raw_tracepoint)/.test(kind) ? `raw tracepoint ${btf[1]} (btf_trace_${btf[1]})`
      : kind === 'iter' || kind === 'iter.s' ? `iterator ${btf[1]} (bpf_iter_${btf[1]})` : `function ${btf[1]}`;
    return `kernel ${release} has no ${what} to attach to: libbpf finds no ${btf[1]} in that kernel's BTF, so ${got.result.program} (${sec}) cannot load there.`;
  }
  const miss = got.attachMissing[0];
  if (!miss) return null;
  const [kind, name] = miss.split(' ');
  const list = kind === 'function' ? '/proc/kallsyms' : 'tracefs'; // the loader reports only these two kinds
  return `kernel ${release} has no ${kind} ${name} to attach to (not in its ${list}): ${got.result.program} (${sec}) loads there, but attaching it fails.`;
}

/**
 * Each program's verdict: the same pipeline as the host's (analyzeLog, line_info through the object), the whole
 * VerifiedProgram (report, summary, log index, log) so that a debug session can walk a VM's log too. A program
 * whose attach target this kernel lacks is an `error` naming it (a verifier reject stays a reject, with a note).
 */
export function programsFromGuest(out: GuestObjectOutput | undefined, obj: BpfObject, roots: string[], release: string): VerifiedProgram[] {
  const reported = out ? guestPrograms(out.output) : [];
  const openFailed = out ? /^=== OPEN-FAILED errno=(\d+)/m.exec(out.output) : null;
  return obj.programs.map((fn): VerifiedProgram => {
    const got = reported.find((r) => r.result.program === fn.name);
    if (got) {
      const v = programReport(got.result, got.log.length > 0 ? [got.log] : [], roots, obj);
      const missing = missingAttachTarget(release, got);
      if (!missing) return v;
      const report: ProgramReport = v.report.verdict === 'rejected' ? { ...v.report, notes: [...v.report.notes, missing] }
        : { ...v.report, verdict: 'error', message: missing, messageLines: [missing], explanation: null };
      return { ...v, report };
    }
    const why = !out ? 'The VM did not report on this object.'
      : openFailed ? `libbpf could not open the object in the VM (errno ${openFailed[1]}).`
        : out.rc === null ? 'The VM stopped while this program was loading.' : 'The VM\'s loader did not report on this program.';
    const { index, summary } = analyzeLog('');
    const report = buildProgramReport(summary, { name: fn.name, section: fn.section.name, verdict: 'error', errno: null, errorLines: [why], logBytes: 0, truncated: false, libbpf: [], roots });
    return { report, summary, index, log: [] };
  });
}
