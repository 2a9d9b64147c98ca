import { LineKind } from './line-kind';
import type { LogIndex } from './log-index';

/** The proposed 7.x reject block: `Verification failed: …`, `Reason:`, `At:`, `Causal path:`, `Suggestion:`. */
export interface ProseBlock {
  title: string;
  reason: string;
  at: { function: string; file: string; line: number; column: number } | null;
  causalPath: { function: string; file: string; line: number; column: number }[];
  suggestion: string;
  /** Every section's lines as printed, by header. */
  sections: Record<string, string[]>;
}

const LOC_RE = /^\s*(\S+) @ ([^\s:]+):(\d+):(\d+)\s*$/;

function location(line: string) {
  const m = LOC_RE.exec(line);
  return m ? { function: m[1], file: m[2], line: Number(m[3]), column: Number(m[4]) } : null;
}

export function parseProseBlock(ix: LogIndex, start: number): ProseBlock {
  const sections: Record<string, string[]> = {};
  const titleLine = ix.text(start);
  const title = titleLine.replace(/^Verification failed:\s*/, '').trim();
  let current = 'Verification failed';
  sections[current] = [titleLine];
  for (let i = start + 1; i < ix.end; i++) {
    if (ix.kinds[i] === LineKind.Stats) break;
    const text = ix.text(i);
    const header = /^([A-Z][A-Za-z ]*):\s*$/.exec(text);
    if (header && !text.startsWith(' ')) {
      current = header[1];
      sections[current] = [];
      continue;
    }
    if (text.trim() !== '') (sections[current] ??= []).push(text);
  }
  const body = (name: string) => (sections[name] ?? []).map((l) => l.trim()).filter((l) => !/^Source context:|^Instruction context:/.test(l));
  const at = (sections.At ?? []).map(location).find((l) => l !== null) ?? null;
  const causalPath = (sections['Causal path'] ?? []).map(location).filter((l): l is NonNullable<typeof l> => l !== null);
  return {
    title,
    reason: body('Reason').join(' '),
    at,
    causalPath,
    suggestion: body('Suggestion').join(' '),
    sections,
  };
}
