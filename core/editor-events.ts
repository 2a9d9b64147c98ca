/**
 * What the debug adapter and the language server tell the editor about verdicts, declared once for both sides (no
 * vscode, LSP or DAP import here). The client keeps every verdict it hears of in one store (client/verdict-store.ts):
 * Problems entries, the results view and the verdict code lenses are all read from it.
 */
import type { ClangDiagnostic } from './build/clang';
import type { ObjectReport } from './verify/report';

/**
 * The label of the machine's own kernel, as launch configurations' `kernels` and the verdicts name it; VM kernels
 * are named by their series or ABI ("6.1").
 */
export const HOST_KERNEL = 'host';

/**
 * DAP custom event (adapter to client) sent after each verification of a debug session, before the first stop:
 * body `VerdictsEventBody`. One event per kernel when a session verifies on several.
 */
export const VERDICTS_DEBUG_EVENT = 'ebpf/verdicts';

/**
 * DAP custom event (adapter to client): the session's build failed; body `BuildFailedEventBody`. The client puts
 * clang's diagnostics in the debug origin's Problems entries.
 */
export const BUILD_FAILED_DEBUG_EVENT = 'ebpf/buildFailed';

export interface BuildFailedEventBody {
  /** clang's, paths as clang printed them (relative ones from the source's directory). */
  diagnostics: ClangDiagnostic[];
  message: string;
}

/**
 * LSP notification (server to client): verify on save's report for one object, after each verification.
 * Editors that do not know it ignore it.
 */
export const VERDICTS_NOTIFICATION = 'ebpf/verdicts';

/** Where a verdict came from: each origin has its own Problems collection, so one never clears another's. */
export type VerdictOrigin = 'verify' | 'debug' | 'save' | 'log';

export interface VerdictsEventBody {
  report: ObjectReport;
  /**
   * The kernel that answered as the user named it ("host", "6.1"); absent means the host. The report's own `kernel`
   * field keeps the full release.
   */
  kernel?: string;
}
