import { LogIndex } from './log-index';
import { summarize, type RejectSummary, type SummaryOptions } from './summary';

export interface LogAnalysis {
  index: LogIndex;
  summary: RejectSummary;
}

const asBuffer = (input: Buffer | string | Buffer[]): Buffer =>
  Array.isArray(input) ? (input.length === 1 ? input[0] : Buffer.concat(input)) : typeof input === 'string' ? Buffer.from(input, 'utf8') : input;

/** Index a verifier log (raw, or wrapped by libbpf/bpftool) and summarise its reject. Never throws on bad input. */
export function analyzeLog(input: Buffer | string | Buffer[], opts: SummaryOptions = {}): LogAnalysis {
  const index = new LogIndex(asBuffer(input));
  return { index, summary: summarize(index, opts) };
}

export function summarizeLog(input: Buffer | string | Buffer[], opts: SummaryOptions = {}): RejectSummary {
  return analyzeLog(input, opts).summary;
}
