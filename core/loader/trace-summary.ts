/**
 * One line per helper message for a trace: a result can carry hundreds of libbpf messages and a log can be a
 * gigabyte, so strings are cut, long arrays are counted, and the whole line has a ceiling.
 */

/** No trace line is longer than this (plus the note of how much was cut). */
export const TRACE_LINE_MAX = 400;
const STRING_MAX = 120;
const ARRAY_MAX = 4;

function bounded(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > STRING_MAX ? `${value.slice(0, STRING_MAX)}… (${value.length} chars)` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 3) return Array.isArray(value) ? `[${value.length} items]` : '{…}';
  if (Array.isArray(value)) {
    const head = value.slice(0, ARRAY_MAX).map((v) => bounded(v, depth + 1));
    return value.length > ARRAY_MAX ? [...head, `… ${value.length - ARRAY_MAX} more`] : head;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bounded(v, depth + 1)]));
}

/** `value` as compact JSON no longer than `max` characters (and a note of what was cut). */
export function traceJson(value: unknown, max = TRACE_LINE_MAX): string {
  const text = JSON.stringify(bounded(value, 0)) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/**
 * A debug adapter's own helper traffic reaches the editor's channel as this DAP event (body: HelperTraceEventBody),
 * sent only when the editor started the adapter with HELPER_TRACE_ENV=1 (its channel was at trace level).
 */
export const HELPER_TRACE_EVENT = 'ebpf/helperTrace';
export const HELPER_TRACE_ENV = 'EBPF_DEBUGGER_TRACE';
export interface HelperTraceEventBody { direction: 'send' | 'recv' | 'process'; summary: string }
