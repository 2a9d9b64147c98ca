/**
 * "Debug This Log" without the editor: which program a saved log is of, which objects hold that program, and the
 * directory the debug adapter's replay loader reads (debug-adapter/kernel/replay-loader.ts: `<program>.log` and
 * `<program>.json`). No vscode import here, so the flow is tested against the real adapter (test/dap).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readBpfObject } from '../core/source-map/bpf-object';
import { LineKind } from '../core/verifier-log/line-kind';
import { parseSourceLine } from '../core/verifier-log/path';
import { readVerifierLog } from '../core/verifier-log/log-blocks';

export interface LogToReplay {
  /** The program's verifier output alone (one program of a pasted `bpftool -d` log: the rejected one, else the last). */
  log: string;
  /** What the log names the program: libbpf's `prog 'x':`, else the function of its first annotation, else the file name. */
  program: string | null;
  errno: number;
  /** The sources the log's annotations name (`subprog_reject.bpf.c`), first the one of its first annotation. */
  sources: string[];
}

/** EACCES: the verifier's answer to a program it rejects after logging why (libbpf's errno, when pasted, wins). */
const REJECTED_ERRNO = 13;

/**
 * `int subprog_reject(struct xdp_md *ctx)`: the function a definition line defines. A later line's call
 * (`count = bpf_map_lookup_elem(…)`) or an `if (` names no program, so the first annotation must be the definition.
 */
function definedFunction(text: string): string | null {
  if (/[=;]/.test(text)) return null;
  const m = /^\s*[A-Za-z_][\w\s*]*[\s*]([A-Za-z_]\w*)\s*\(/.exec(text);
  return m && !/^(if|while|for|switch|return|sizeof)$/.test(m[1]) ? m[1] : null;
}

export function logToReplay(text: string, fileName?: string): LogToReplay | { error: string } {
  const blocks = readVerifierLog(text);
  const b = blocks.find((x) => x.verdict === 'rejected') ?? blocks[blocks.length - 1];
  if (b.summary.insnLines === 0) return { error: 'this document holds no verifier instructions, so there is no path to step through. Open a log captured with `bpftool -d prog load`, libbpf\'s kernel_log_buf or `ebpf-debugger verify --log-level 2`.' };
  const ix = b.index;
  const sources: string[] = [];
  let fn: string | null | undefined; // decided by the first annotation alone
  for (let i = ix.first; i < ix.end && sources.length < 8; i++) {
    if (ix.kinds[i] !== LineKind.Source) continue;
    const a = parseSourceLine(ix.text(i));
    if (a.file && !sources.includes(a.file)) sources.push(a.file);
    if (fn === undefined) fn = definedFunction(a.text);
  }
  const base = fileName ? path.basename(fileName).replace(/\.(verifier\.log|bpflog|log|txt)$/, '') : null;
  return {
    log: ix.buf.toString('utf8', ix.lineStart[ix.first], ix.lineStart[ix.end]),
    program: b.program ?? fn ?? base,
    errno: b.summary.errno ?? (b.verdict === 'rejected' ? REJECTED_ERRNO : 0),
    sources,
  };
}

/** The programs of an object file; empty when it is not a BPF object (any `.o` of the workspace is tried). */
export function programsOf(object: string): string[] {
  try {
    return readBpfObject(readFileSync(object)).programs.map((p) => p.name);
  } catch {
    return [];
  }
}

/** The program of `object` the log is of: its own name when the object has it, or the object's only program. */
export function pickProgram(programs: string[], named: string | null): string | null {
  if (named && programs.includes(named)) return named;
  return programs.length === 1 ? programs[0] : null;
}

/** Write the replay loader's directory for one program: its log and the verdict's errno. */
export function writeReplayDir(dir: string, program: string, replay: LogToReplay): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${program}.log`), replay.log);
  writeFileSync(path.join(dir, `${program}.json`), JSON.stringify({ errno: replay.errno }) + '\n');
}
