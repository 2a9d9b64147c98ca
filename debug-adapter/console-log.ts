import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OutputEvent, Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildCacheDir } from '../core/build/cache-dir';
import { LineKind } from '../core/verifier-log/line-kind';
import { parseSourceLine } from '../core/verifier-log/path';
import { resolveSourceFile } from '../core/verify/resolve-source';
import type { ProgramTrace } from './runtime/program-trace';

const CONSOLE_LINES = 400;

/**
 * The verifier's log in the debug console: the full log goes to a `.verifier.log` file (opened with the log
 * language), and the console shows its last lines, each source annotation linked to its file and line.
 */
export function logOutputEvents(trace: ProgramTrace, roots: string[]): DebugProtocol.OutputEvent[] {
  const { index } = trace;
  const name = trace.program.report.name;
  const dir = path.join(buildCacheDir(), 'logs');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.verifier.log`);
  writeFileSync(file, index.buf);
  const events: DebugProtocol.OutputEvent[] = [];
  const first = Math.max(index.first, index.end - CONSOLE_LINES);
  events.push(new OutputEvent(`── ${name}: verifier log (${index.buf.length} bytes, ${index.end - index.first} lines; full log: ${file}) ──\n`, 'console') as DebugProtocol.OutputEvent);
  if (first > index.first) events.push(new OutputEvent(`… ${first - index.first} earlier lines in ${file}\n`, 'console') as DebugProtocol.OutputEvent);
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
