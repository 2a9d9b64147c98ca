/** 0-based line and UTF-16 column, as LSP and tree-sitter (web) count them. */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export function rangeOf(node: { startPosition: { row: number; column: number }; endPosition: { row: number; column: number } }): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}
