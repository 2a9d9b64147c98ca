/**
 * Typed, user-facing errors. Every error names what went wrong and what to do about it;
 * `code` is stable so hosts (CLI exit codes, DAP error ids, LSP messages) can branch on it.
 */
export type ErrorCode =
  | 'usage'            // the caller's arguments are wrong
  | 'file-not-found'   // an input path does not exist
  | 'not-an-object'    // an input is not an ELF BPF object
  | 'clang-missing'    // clang is not installed
  | 'build-failed'     // clang rejected the source
  | 'bpftool-missing'  // vmlinux.h had to be generated but bpftool is absent
  | 'libbpf-missing'   // libbpf.so.1 could not be loaded
  | 'no-privileges'    // bpf() refused for lack of capabilities
  | 'helper-failed'    // the loader helper process died or spoke nonsense
  | 'no-programs'      // the object holds no BPF program
  | 'program-not-found'
  | 'limit-exceeded'   // a limit root set for verifying without root (the hint says how root raises it)
  | 'timeout'          // the loader helper did not answer in time and was stopped
  | 'cancelled';        // the caller cancelled the request

export class EbpfError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly hint?: string) {
    super(hint ? `${message}\n${hint}` : message);
    this.name = 'EbpfError';
  }
}

export function isEbpfError(e: unknown): e is EbpfError {
  return e instanceof Error && (e as EbpfError).name === 'EbpfError' && typeof (e as EbpfError).code === 'string';
}

/** Environment problems (exit code 2 in the CLI) as opposed to verdicts. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
