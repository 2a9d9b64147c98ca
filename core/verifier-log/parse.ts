import {
  FROM_RE, FUNC_RE, INSN_RE, LIBBPF_BEGIN_RE, LIBBPF_END, PROCESSED_RE, SAFE_RE, SOURCE_AT_RE, SOURCE_RE,
  STACK_DEPTH_RE, STATE_RE, VERIFICATION_TIME_RE, isNoiseLine,
} from './line-kinds';
import type { LogSummary, SourceAnnotation, VerifierStats } from './types';

const SOURCE_PATH_KEEP = 8;

/**
 * Strip libbpf's wrapper so pasted `bpftool -d` or libbpf output parses like a raw kernel log.
 * Takes the first wrapped block; the END marker may be glued to the last log line.
 */
export function unwrapLibbpfLog(lines: string[]): string[] {
  const begin = lines.findIndex((l) => LIBBPF_BEGIN_RE.test(l));
  if (begin < 0) return lines;
  const out: string[] = [];
  for (let i = begin + 1; i < lines.length; i++) {
    const line = lines[i];
    const end = line.indexOf(LIBBPF_END);
    if (end >= 0) {
      if (end > 0) out.push(line.slice(0, end));
      break;
    }
    out.push(line);
  }
  return out;
}

function parseSource(line: string): SourceAnnotation | null {
  const at = SOURCE_AT_RE.exec(line);
  if (at) return { text: at[1].trim(), file: at[2], line: Number(at[3]) };
  const bare = SOURCE_RE.exec(line);
  return bare ? { text: bare[1].trim(), file: null, line: null } : null;
}

function parseStatsLine(line: string, stats: VerifierStats): boolean {
  const p = PROCESSED_RE.exec(line);
  if (p) {
    stats.processedInsns = Number(p[1]);
    stats.insnLimit = Number(p[2]);
    stats.maxStatesPerInsn = Number(p[3]);
    stats.totalStates = Number(p[4]);
    stats.peakStates = Number(p[5]);
    stats.markRead = Number(p[6]);
    return true;
  }
  const t = VERIFICATION_TIME_RE.exec(line);
  if (t) {
    stats.verificationTimeUs = Number(t[1]);
    return true;
  }
  const s = STACK_DEPTH_RE.exec(line);
  if (s) {
    stats.stackDepth = s[1];
    return true;
  }
  return false;
}

/**
 * First-cut reject finder: walks the log once, remembering the last instruction, the source annotations
 * on the way to it, and the unrecognised lines after it (the error message, which can span lines).
 */
export function summarizeLog(text: string): LogSummary {
  const lines = unwrapLibbpfLog(text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)));
  const stats: VerifierStats = {};
  const sourcePath: SourceAnnotation[] = [];
  let insn: number | null = null;
  let insnText: string | null = null;
  let insnLines = 0;
  let errorLines: string[] = [];
  let errorClosed = false; // a blank line ends the classic error message (7.x adds a prose block after it)
  let sawProcessed = false;

  for (const line of lines) {
    if (line.length === 0) {
      if (errorLines.length > 0) errorClosed = true;
      continue;
    }
    const m = INSN_RE.exec(line);
    if (m) {
      insn = Number(m[1]);
      insnText = m[3];
      insnLines++;
      errorLines = [];
      errorClosed = false;
      continue;
    }
    if (line.startsWith(';')) {
      const src = parseSource(line);
      if (src) {
        sourcePath.push(src);
        if (sourcePath.length > SOURCE_PATH_KEEP) sourcePath.shift();
      }
      continue;
    }
    if (parseStatsLine(line, stats)) {
      if (line.startsWith('processed ')) sawProcessed = true;
      continue;
    }
    if (STATE_RE.test(line) || FROM_RE.test(line) || SAFE_RE.test(line) || FUNC_RE.test(line) || isNoiseLine(line)) {
      continue;
    }
    if (line.startsWith('libbpf: ')) continue;
    if (!errorClosed) errorLines.push(line.trimEnd());
  }

  const source = [...sourcePath].reverse().find((s) => s.file !== null && s.line !== null && s.line > 0)
    ?? sourcePath[sourcePath.length - 1] ?? null;
  return {
    errorLines,
    insn: errorLines.length > 0 ? insn : null,
    insnText: errorLines.length > 0 ? insnText : null,
    source: errorLines.length > 0 ? source : null,
    sourcePath: errorLines.length > 0 ? sourcePath : [],
    stats,
    insnLines,
    lines: lines.length,
    tailTruncated: !sawProcessed,
  };
}
