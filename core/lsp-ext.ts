/**
 * The eBPF language server's own requests, declared once for the client and the server (no LSP import here).
 */
import type { StructLayout } from './layout/types';

/** `ebpf/structLayout`: the layout of a struct of a document, by name (`flow_key` or `struct flow_key`). */
export const STRUCT_LAYOUT_REQUEST = 'ebpf/structLayout';

export interface StructLayoutParams {
  uri: string;
  name: string;
}

/** The layout, or why there is none. */
export type StructLayoutResult = { layout: StructLayout } | { error: string };

/** The verifier-log language id (package.json contributes.languages): its documents get links, outline, hovers. */
export const VERIFIER_LOG_LANGUAGE = 'bpf-verifier-log';

/** The client command that opens a struct's layout beside the source; code lenses call it with `[uri, name]`. */
export const SHOW_STRUCT_LAYOUT_COMMAND = 'ebpf.showStructLayout';

/**
 * `ebpf/verifyStatus` (server to client notification): verify on save's progress and last verdict, for a status bar.
 * Editors that do not know it ignore it.
 */
export const VERIFY_STATUS_NOTIFICATION = 'ebpf/verifyStatus';

export interface VerifyStatusParams {
  /** building (clang runs), verifying (the kernel), done (a verdict), failed (no verdict: build error, environment). */
  state: 'building' | 'verifying' | 'done' | 'failed';
  /** The .bpf.c file. */
  source: string;
  verified?: number;
  rejected?: number;
  /** From the save to the published verdict. */
  ms?: number;
  /** Why it failed. */
  message?: string;
}

/**
 * `ebpf/settingsRead` (server to client notification): a read of the settings ended, its answer applied or (a failed
 * re-read) not. `read` counts the server's workspace/configuration requests, from 1 (0: the defaults, for a client that
 * cannot be asked), so a client knows which of its answers took effect: tests wait for it instead of guessing how long
 * a re-read takes. Editors ignore it.
 */
export const SETTINGS_READ_NOTIFICATION = 'ebpf/settingsRead';

export interface SettingsReadParams { read: number; applied: boolean }

/**
 * `ebpf/workspaceTrust` (client to server notification): the workspace became trusted (or not). Verify on save builds
 * and loads programs only in a trusted one; the initial state is initializationOptions.trusted.
 */
export const WORKSPACE_TRUST_NOTIFICATION = 'ebpf/workspaceTrust';

export interface WorkspaceTrustParams { trusted: boolean }
