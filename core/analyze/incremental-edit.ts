import type { Edit, Point } from 'web-tree-sitter';
import { positionAt } from '../source/range';

/** Row and column of an offset (UTF-16 code units, as web-tree-sitter counts them for string input). */
function pointAt(text: string, offset: number): Point {
  const p = positionAt(text, offset);
  return { row: p.line, column: p.character };
}

/**
 * The edit that turns `before` into `after`, as one replaced span between their common prefix and suffix. The
 * language server sees whole document versions; this lets tree-sitter reuse every subtree outside the span.
 */
export function incrementalEdit(before: string, after: string): Edit {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  const oldEnd = before.length - tail;
  const newEnd = after.length - tail;
  return {
    startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd,
    startPosition: pointAt(before, start), oldEndPosition: pointAt(before, oldEnd), newEndPosition: pointAt(after, newEnd),
  } as Edit;
}
