import type { HelloResult, ListResult, VerifyParams, VerifyResult } from './protocol';

/** The verified log of one program: the raw bytes, kept as chunks (a log can outgrow a JS string). */
export interface VerifyOutcome extends VerifyResult {
  log: Buffer[];
}

/**
 * What the verify pipeline needs from a loader. The real one is a helper process talking to libbpf;
 * a replay loader (for parser and UI tests only) can answer from saved logs.
 */
export interface Loader {
  hello(): Promise<HelloResult>;
  list(path: string): Promise<ListResult>;
  verify(params: VerifyParams, onLog?: (chunk: Buffer) => void): Promise<VerifyOutcome>;
  close(): Promise<void>;
}
