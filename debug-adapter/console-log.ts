import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { OutputEvent, Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LineKind } from '../core/verifier-log/line-kind';
import { parseSourceLine } from '../core/verifier-log/path';
import { resolveSourceFile } from '../core/verify/resolve-source';
import { saveLog } from './log-files';
import type { ProgramTrace } from './runtime/program-trace';

const CONSOLE_LINES = 400;

/**
 * The verifier's log in the debug console: the full log goes to `logFile()` (a `.verifier.log`, opened with the log
 * language), and the console shows its last lines, each source annotation linked to its file and line. The header
 * names the file as a file:// URI and carries it as the event's source: either way VS Code makes it a link.
 * `logFile` is called here, not by the caller: finding the directory can fail too (a build cache not safe to use).
 */
export function logOutputEvents(trace: ProgramTrace, roots: string[], logFile: () => string, label = trace.program.report.name): DebugProtocol.OutputEvent[] {
  const { index } = trace;
  const events: DebugProtocol.OutputEvent[] = [];
  const first = Math.max(index.first, index.end - CONSOLE_LINES);
  const head = `── ${label}: verifier log (${index.buf.length} bytes, ${index.end - index.first} lines) ──`;
  let file: string | null = null;
  try {
    const f = logFile();
    saveLog(f, index.buf);
    file = f;
  } catch (e) {
    // runs after the launch succeeded: a throw here would leave the session with no stop and no end
    events.push(new OutputEvent(`${head} the full log could not be saved: ${(e as Error).message}\nFree space or fix that directory's permissions; the console shows the last lines.\n`, 'stderr') as DebugProtocol.OutputEvent);
  }
  if (file) {
    const header = new OutputEvent(`${head} full log: ${pathToFileURL(file).href}\n`, 'console') as DebugProtocol.OutputEvent;
    header.body.source = new Source(path.basename(file), file);
    header.body.line = 1;
    events.push(header);
  }
  if (first > index.first) events.push(new OutputEvent(`… ${first - index.first} earlier lines${file ? ` in ${file}` : ' not shown'}\n`, 'console') as DebugProtocol.OutputEvent);
  let chunk = '';
  for (let i = first; i < index.end; i++) {
    const text = index.text(i);
    const a = index.kinds[i] === LineKind.Source ? parseSourceLine(text) : null;
    if (a?.file && a.line) {
      if (chunk) events.push(new OutputEvent(chunk, 'stdout') as DebugProtocol.OutputEvent);
      chunk = '';
      const e = new OutputEvent(text + '\n', 'stdout') as DebugProtocol.OutputEvent;
      e.body.source = new Source(path.basename(a.file), resolveSourceFile(a.file, roots) ?? a.file);
      e.body.line = a.line;
      events.push(e);
    } else {
      chunk += text + '\n';
    }
  }
  if (chunk) events.push(new OutputEvent(chunk, 'stdout') as DebugProtocol.OutputEvent);
  return events;
}
