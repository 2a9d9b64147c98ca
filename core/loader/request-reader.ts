/**
 * The helper's side of the protocol framing: bytes from stdin become request lines of at most `maxLine` bytes,
 * and each line becomes a request or a reply-worthy problem. Nothing a client writes can make the helper
 * buffer without bound or throw: an oversized line is skipped up to its newline and answered with an error,
 * and a JSON value that is not a request object (null, a number, an array) is answered with an error.
 */
import type { HelperErrorBody, HelperMethod, HelperRequest } from './protocol';

export const MAX_REQUEST_BYTES = 1024 * 1024;
const METHODS: HelperMethod[] = ['hello', 'list', 'verify', 'verifyAll', 'cancel'];

export type ParsedLine = { request: HelperRequest } | { id: number | null; error: HelperErrorBody };

/** Splits a byte stream into lines; a line over `maxLine` bytes is reported once and its bytes dropped. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;

  constructor(private readonly onLine: (line: Buffer) => void, private readonly onOversize: (bytes: number) => void,
    private readonly maxLine = MAX_REQUEST_BYTES) {}

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.skipping) {
        this.size += end - pos;
        if (this.size > this.maxLine) {
          this.skipping = true;
          this.parts = [];
        } else {
          this.parts.push(chunk.subarray(pos, end));
        }
      } else {
        this.size += end - pos;
      }
      if (nl < 0) return;
      if (this.skipping) this.onOversize(this.size);
      else this.onLine(Buffer.concat(this.parts));
      this.parts = [];
      this.size = 0;
      this.skipping = false;
      pos = nl + 1;
    }
  }
}

/** One line to a request, or the error to answer it with (and the id to answer to, when one was readable). */
export function parseRequestLine(line: Buffer): ParsedLine | null {
  const text = line.toString('utf8').trim();
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { id: null, error: { code: 'usage', message: 'The request is not JSON.', hint: 'Send one JSON object per line: {"id": 1, "method": "hello"}.' } };
  }
  const shape = 'A request is a JSON object {"id": <integer>, "method": "hello" | "list" | "verify" | "verifyAll" | "cancel", "params": {...}}.';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { id: null, error: { code: 'usage', message: `The request is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a request object.`, hint: shape } };
  }
  const r = value as Record<string, unknown>;
  const id = typeof r.id === 'number' && Number.isSafeInteger(r.id) ? r.id : null;
  if (id === null) return { id: null, error: { code: 'usage', message: 'The request has no integer "id".', hint: shape } };
  if (typeof r.method !== 'string' || !METHODS.includes(r.method as HelperMethod)) {
    return { id, error: { code: 'usage', message: `Unknown method '${String(r.method).slice(0, 80)}'.`, hint: shape } };
  }
  if (r.params !== undefined && (r.params === null || typeof r.params !== 'object' || Array.isArray(r.params))) {
    return { id, error: { code: 'usage', message: 'The request\'s "params" is not an object.', hint: shape } };
  }
  return { request: { id, method: r.method as HelperMethod, params: r.params ?? {} } };
}

export function oversizeError(bytes: number, max = MAX_REQUEST_BYTES): HelperErrorBody {
  return { code: 'usage', message: `A request line of ${bytes} bytes is over the ${max}-byte limit; it was skipped.`, hint: 'Requests carry paths and names only; send the object by its path.' };
}
