import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ProgramReport } from '../core/verify/report';

/** What the exception widget is titled ("Exception has occurred: Rejected by the verifier"): exceptionInfo's id. */
export const REJECT_TITLE = 'Rejected by the verifier';
/**
 * The stopped event's description: the badge after the thread's name in Call Stack ("✗ first_reject (xdp)  REJECTED").
 * One word: the sidebar cuts the name, not the badge, so a long badge hid which program was rejected.
 */
export const REJECT_STOP_LABEL = 'Rejected';
export const LOAD_ERROR_TITLE = 'Not loaded';

/** The reject's message with what it means and the usual fix: the exception widget's body. */
export function rejectDescription(r: ProgramReport): string {
  const ex = r.explanation;
  const message = r.message ?? 'rejected by the verifier';
  return ex ? `${message}\n\n${ex.title}: ${ex.explanation}\nFix: ${ex.fix}` : message;
}

/** The exceptionInfo answer for a thread: its reject (or load error), and the failing path's last source lines. */
export function exceptionInfoBody(r: ProgramReport | undefined, kernel: string): DebugProtocol.ExceptionInfoResponse['body'] {
  if (!r || r.verdict === 'accepted') {
    return { exceptionId: 'verified', description: 'No reject on this thread: the verifier accepted the program.', breakMode: 'never' };
  }
  // VS Code's widget links `file:line` in the stack trace: the path's last lines, the reject's first. Comments go:
  // a `*/` before the path reads to the link detector as the start of one.
  const code = (text: string) => text.replace(/\/\*.*?\*\/|\/\/.*$/g, '').trim();
  const trace = r.sourcePath.slice(-8).reverse().map((s) => `    at ${code(s.text) || `insn ${s.insn ?? '?'}`} (${s.file}:${s.line})`).join('\n');
  return {
    exceptionId: r.verdict === 'rejected' ? REJECT_TITLE : LOAD_ERROR_TITLE,
    description: rejectDescription(r),
    breakMode: 'always',
    details: {
      message: r.message ?? undefined,
      typeName: r.errnoName ?? r.verdict,
      fullTypeName: `${r.name}${r.section ? ` (${r.section})` : ''} on ${kernel}: ${r.verdict}${r.errnoName ? ` ${r.errnoName}` : ''}`,
      ...(trace ? { stackTrace: trace } : {}),
    },
  };
}
