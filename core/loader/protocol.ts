/**
 * The loader helper's protocol: newline-delimited JSON over stdio, one request at a time.
 * Request:  {"id": 1, "method": "verify", "params": {...}}
 * Replies:  ({"id": 1, "logBytes": N} followed by N raw log bytes)*  then  {"id": 1, "result": {...}}  or  {"id": 1, "error": {...}}
 * The log travels as raw bytes in chunks, so neither side ever holds it as one JS string.
 */
import type { HelperLimits } from './limits';

export interface HelloResult {
  kernel: string;
  libbpf: string;
  /** The library that answered (a built current libbpf, EBPF_DEBUGGER_LIBBPF, or the system's libbpf.so.1). */
  libbpfPath?: string;
  libbpfSource?: 'env' | 'built' | 'system';
  uid: number;
  /** Effective capability mask from /proc/self/status, hex. */
  capEff: string;
  /** The helper's own process (behind sudo or pkexec, not the client's child): what a timeout ends. */
  pid: number;
  /** What the helper enforces for this user; null when root runs it directly (unlimited). */
  limits?: HelperLimits | null;
  /** Where the limits came from: the install's limits.json, or the defaults. */
  limitsSource?: string;
  /** Kernel addresses are replaced by `<kernel address>` in logs and messages (the user is not root). */
  redacted?: boolean;
}

export interface ProgramInfo {
  name: string;
  section: string;
  /** Instructions as libbpf will load them (before subprogram appending). */
  insnCount: number;
}

export interface MapInfo { name: string }

export interface ListResult { programs: ProgramInfo[]; maps: MapInfo[] }

export interface VerifyParams {
  path: string;
  program: string;
  logLevel: number;
  /** Log buffer size in bytes (default and maximum: 1 GiB - 1, the kernel's limit). */
  logSize?: number;
}

export interface VerifyResult {
  program: string;
  section: string;
  /** 0 when the load succeeded (the program was verified, then closed, never attached). */
  errno: number;
  /** Bytes of verifier log streamed before this result. */
  logBytes: number;
  /** libbpf's own messages during open/load (warnings, CO-RE failures). */
  libbpf: string[];
  /** Wall time of bpf_object__load in the helper, microseconds. */
  loadUs: number;
  /**
   * The log outgrew its buffer (ENOSPC). The helper then loaded once more at level 4 (error and stats only) so that
   * `errno` is the real verdict; that short log follows the truncated one.
   */
  logTruncated?: boolean;
  /** What the helper changed before the load so the object loads as cilium/ebpf would (typed ring buffers, user-sized maps). */
  notes?: string[];
  /** A map the kernel refused to create: its name, attributes and the likely cause. */
  mapProblem?: string;
}

/** `verifyAll`: every program of the object, one at a time; the result is `{ results: VerifyResult[] }`. */
export interface VerifyAllParams {
  path: string;
  logLevel: number;
  logSize?: number;
}

/** `cancel`: stop request `id` (a verifyAll stops between programs). */
export interface CancelParams { id: number }

export type HelperMethod = 'hello' | 'list' | 'verify' | 'verifyAll' | 'cancel';

export interface HelperRequest { id: number; method: HelperMethod; params?: unknown }

/** Errors about input that could not be tied to a request carry `id: null`. */

/** Error codes the helper reports; mirror core/errors ErrorCode where they overlap. */
export interface HelperErrorBody { code: string; message: string; hint?: string }

export type HelperReply =
  | { id: number; logBytes: number; program?: string }
  | { id: number; result: unknown }
  | { id: number | null; error: HelperErrorBody };
