import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES, REPO } from './paths';

/** Every C source the tests verify: the examples and the test programs. */
export const ALL_SOURCES = [
  ...readdirSync(EXAMPLES).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(EXAMPLES, f)),
  ...readdirSync(path.join(REPO, 'test', 'programs')).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(REPO, 'test', 'programs', f)),
];

/**
 * The line a program must be rejected at: `BUG(<program>):` in the source or a header next to it, else `BUG:`.
 * Returns the file too, since a reject can be in a header.
 */
export function rejectMarker(source: string, program: string): { file: string; line: number } | null {
  const dir = path.dirname(source);
  const files = [source, ...readdirSync(dir).filter((f) => f.endsWith('.h')).map((f) => path.join(dir, f))];
  for (const tag of [`BUG(${program}):`, 'BUG:']) {
    for (const file of files) {
      const idx = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(tag));
      if (idx >= 0) return { file, line: idx + 1 };
    }
  }
  return null;
}

/**
 * bench/programs/loop_log.bpf.c's LOOP_ITERS for a load that keeps the kernel busy for seconds at log level 2
 * (about 4 s on a fast machine, 560 MB of log): the timeout and wall-time tests need one well past 1 s.
 */
export const SLOW_LOOP_ITERS = 60000;

/** 1-based number of the first line of `file` that `re` matches; throws when none does (the test's line is gone). */
export function lineOf(file: string, re: RegExp): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`${re} matches no line of ${file}`);
  return i + 1;
}
