/**
 * The hot lines of a complexity reject in the editor: after each of the busiest lines, in the code lens colour,
 * "← 612,000 of 1,000,001 instructions · 30 paths pruned" (pruned: a level-2 log only). Recomputed from the store
 * whenever it changes, so the decorations go away as soon as the program's verdict does (fixed, or rejected for
 * another reason).
 */
import * as vscode from 'vscode';
import { hotLineDecoration, hotLineRows } from './hot-lines-model';
import type { VerdictStore } from './verdict-store';
import { HOST_KERNEL } from '../core/editor-events';

export interface RenderedHotLine {
  /** 0-based. */
  line: number;
  text: string;
}

export class HotLineDecorations implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
    isWholeLine: true,
  });
  private readonly subscriptions: vscode.Disposable[] = [];
  /** What each visible document shows now, by its fsPath: the in-editor tests read it (decorations cannot be read back). */
  private readonly shown = new Map<string, RenderedHotLine[]>();

  constructor(private readonly store: VerdictStore) {
    this.subscriptions.push(
      store.onDidChange(() => this.renderAll()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.renderAll()),
    );
    this.renderAll();
  }

  /** The hot lines a file's editors show, busiest first. */
  rendered(file: string): RenderedHotLine[] {
    return this.shown.get(file) ?? [];
  }

  private linesFor(file: string): (RenderedHotLine & { hover: string })[] {
    const hits = this.store.all().flatMap((e) => hotLineRows(e.program).filter((h) => h.file === file).map((h) => ({ e, h })));
    // the program (and kernel) is named only when more than one complexity reject lands in this file
    const named = new Set(hits.map(({ e }) => `${e.program.name}\0${e.kernel}`)).size > 1 || hits.some(({ e }) => e.kernel !== HOST_KERNEL);
    const byLine = new Map<number, RenderedHotLine & { hover: string }>();
    for (const { e, h } of hits) {
      const who = `${e.program.name}${e.kernel !== HOST_KERNEL ? ` on ${e.kernel}` : ''}`;
      const text = named ? `${who}: ${h.text}` : h.text;
      const hover = `${who} was rejected as too complex: the verifier processed ${h.text} on this line.`;
      const had = byLine.get(h.line - 1);
      byLine.set(h.line - 1, had ? { line: had.line, text: `${had.text} | ${text}`, hover: `${had.hover}\n\n${hover}` } : { line: h.line - 1, text, hover });
    }
    return [...byLine.values()];
  }

  private renderAll(): void {
    this.shown.clear();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.scheme !== 'file') continue;
      const file = editor.document.uri.fsPath;
      const lines = this.linesFor(file).filter((l) => l.line < editor.document.lineCount);
      editor.setDecorations(this.type, lines.map((l) => ({
        range: editor.document.lineAt(l.line).range,
        hoverMessage: l.hover,
        renderOptions: { after: { contentText: hotLineDecoration(l.text) } },
      })));
      this.shown.set(file, lines.map(({ line, text }) => ({ line, text })));
    }
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.type.dispose();
  }
}

export function registerHotLines(context: vscode.ExtensionContext, store: VerdictStore): HotLineDecorations {
  const hot = new HotLineDecorations(store);
  context.subscriptions.push(hot);
  return hot;
}
