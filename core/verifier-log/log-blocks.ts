/**
 * A verifier-log text split into one block per program it holds (pasted `bpftool -d` output or a harness's log can
 * hold several `-- BEGIN PROG LOAD LOG --` blocks; a raw log is one block), each indexed and summarised, with its
 * line offset in the whole text. The editor's verifier-log document and the log replay both read logs this way.
 */
import { BEGIN_PROG_LOAD_LOG as BEGIN } from './line-kind';
import { analyzeLog, type LogAnalysis } from './parse';
import { logVerdict, type LogVerdict } from './summary';

export interface LogBlock extends LogAnalysis {
  /** The document line of the block's line 0. */
  offset: number;
  /** The program named by libbpf's `prog 'x':` wrapper, if any. */
  program: string | null;
  /** The block's verdict, as the CLI's `log` command decides it. */
  verdict: LogVerdict;
  /** Block lines of the reject's message (or the 7.x prose block's title), when rejected. */
  rejectLines: [number, number] | null;
}

/** Split the text at libbpf's BEGIN markers and analyse each program's part. */
export function readVerifierLog(text: string, symbolTags?: string[]): LogBlock[] {
  const markers: number[] = [];
  for (let at = text.indexOf(BEGIN); at !== -1; at = text.indexOf(BEGIN, at + BEGIN.length)) {
    const lineStart = text.lastIndexOf('\n', at) + 1;
    if (lineStart > (markers[markers.length - 1] ?? -1)) markers.push(lineStart);
  }
  // the text before the first marker (libbpf's loading chatter) belongs to the first program
  const starts = [0, ...markers.slice(1)];
  const blocks: LogBlock[] = [];
  let line = 0;
  let counted = 0;
  for (let b = 0; b < starts.length; b++) {
    const slice = text.slice(starts[b], b + 1 < starts.length ? starts[b + 1] : undefined);
    line += countLines(text, counted, starts[b]);
    counted = starts[b];
    blocks.push(block(analyzeLog(slice, { symbolTags }), line));
  }
  return blocks;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function block(a: LogAnalysis, offset: number): LogBlock {
  const verdict = logVerdict(a.summary);
  return { ...a, offset, program: a.index.wrappedProgram, verdict, rejectLines: verdict === 'rejected' ? rejectLines(a) : null };
}

/** Where the reject's message is printed: after the last instruction, the lines summary.messageLines holds. */
function rejectLines({ index: ix, summary: s }: LogAnalysis): [number, number] | null {
  const first = s.messageLines[0] ?? (s.prose ? `Verification failed: ${s.prose.title}` : undefined);
  if (first === undefined) return null;
  const from = s.insnLogLine ?? ix.first;
  for (let i = from; i < ix.end; i++) {
    if (ix.text(i).trim() !== first.trim()) continue;
    return [i, i + Math.max(0, s.messageLines.length - 1)];
  }
  return s.insnLogLine !== null ? [s.insnLogLine, s.insnLogLine] : null;
}
