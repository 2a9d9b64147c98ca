/**
 * The "eBPF Verifier" results view: every verdict of the store as a tree (objects, programs, a verdict per kernel,
 * and under a reject its message, explanation, fix and failing path), refreshed when the store changes. A click on a
 * row with a place opens the source there. The rows themselves come from results-model.ts (no vscode).
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { SourceLocation, Verdict } from '../core/verify/report';
import type { VerdictOrigin } from '../core/editor-events';
import { resultRows, type Row } from './results-model';
import type { VerdictStore } from './verdict-store';

export const RESULTS_VIEW = 'ebpf.results';
export const OPEN_LOCATION_COMMAND = 'ebpf.results.open';
const ORIGINS: VerdictOrigin[] = ['verify', 'debug', 'save', 'log'];

const VERDICT_COLOR: Record<Verdict, string> = {
  rejected: 'list.errorForeground', error: 'list.warningForeground', unknown: 'descriptionForeground', accepted: 'testing.iconPassed',
};

class ResultsTreeProvider implements vscode.TreeDataProvider<Row> {
  private readonly changed = new vscode.EventEmitter<Row | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  rows: Row[] = [];

  constructor(private readonly store: VerdictStore) {
    this.refresh();
  }

  refresh(): void {
    this.rows = resultRows(this.store.all());
    this.changed.fire(undefined);
  }

  getChildren(row?: Row): Row[] {
    return row ? row.children : this.rows;
  }

  getTreeItem(row: Row): vscode.TreeItem {
    const state = row.children.length === 0 ? vscode.TreeItemCollapsibleState.None
      : row.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(row.label, state);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    const color = row.verdict && row.icon !== 'file' ? new vscode.ThemeColor(VERDICT_COLOR[row.verdict]) : undefined;
    item.iconPath = new vscode.ThemeIcon(row.icon, color);
    // screen readers get the verdict in words: the icon alone carries none
    item.accessibilityInformation = { label: row.description ? `${row.label}, ${row.description}` : row.label };
    item.contextValue = `ebpf.${row.kind}`; // package.json's view/item/context menus match on it
    if (row.location) {
      item.command = { command: OPEN_LOCATION_COMMAND, title: 'Open Source', arguments: [row.location] };
    }
    return item;
  }

  getParent(row: Row): Row | undefined {
    const find = (rows: Row[], parent: Row | undefined): Row | undefined | null => {
      for (const r of rows) {
        if (r === row) return parent;
        const hit = find(r.children, r);
        if (hit !== null) return hit;
      }
      return null;
    };
    return find(this.rows, undefined) ?? undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Opens `loc.file` with the cursor at its line (and column when known); says so when the file is gone. */
export async function openLocation(loc: SourceLocation): Promise<vscode.TextEditor | undefined> {
  if (!path.isAbsolute(loc.file)) {
    // the object's debug info named the file relative to a build directory it does not record, and no root had it
    void vscode.window.showWarningMessage(`eBPF: the object names ${loc.file}:${loc.line} by a relative path that no searched folder has, so it cannot be opened from here. ` +
      'Open it from the Explorer, or build the object with the source\'s full path (clang -g /path/to/prog.bpf.c).');
    return undefined;
  }
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(loc.file));
  } catch {
    void vscode.window.showErrorMessage(`${loc.file} cannot be opened (moved or deleted since it was verified). Verify the object again.`);
    return undefined;
  }
  const line = Math.min(Math.max(loc.line - 1, 0), doc.lineCount - 1);
  const text = doc.lineAt(line);
  const column = loc.column !== null ? Math.min(loc.column - 1, text.text.length) : text.firstNonWhitespaceCharacterIndex;
  const at = new vscode.Position(line, Math.max(column, 0));
  return vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at), preserveFocus: false });
}

export class ResultsView implements vscode.Disposable {
  readonly provider: ResultsTreeProvider;
  readonly treeView: vscode.TreeView<Row>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly store: VerdictStore) {
    this.provider = new ResultsTreeProvider(store);
    this.treeView = vscode.window.createTreeView(RESULTS_VIEW, { treeDataProvider: this.provider, showCollapseAll: true });
    this.updateBadge();
    this.subscriptions.push(this.provider, this.treeView, store.onDidChange(() => {
      this.provider.refresh();
      this.updateBadge();
    }));
  }

  /** The rows the view shows now (the tests walk them). */
  rows(): Row[] {
    return this.provider.rows;
  }

  /** Forgets every verdict of every origin: the view empties, and so do the Problems entries read from the store. */
  clear(): void {
    for (const origin of ORIGINS) this.store.clear(origin);
  }

  private updateBadge(): void {
    // the title's Clear Results shows only when there is something to clear (package.json's view/title `when`)
    void vscode.commands.executeCommand('setContext', 'ebpf.results.hasVerdicts', this.provider.rows.length > 0);
    const rejected = this.store.all().filter((e) => e.program.verdict === 'rejected' || e.program.verdict === 'error').length;
    this.treeView.badge = rejected > 0 ? { value: rejected, tooltip: `${rejected} program verdict${rejected === 1 ? '' : 's'} rejected or failed to load` } : undefined;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

export function registerResultsView(context: vscode.ExtensionContext, store: VerdictStore): ResultsView {
  const view = new ResultsView(store);
  context.subscriptions.push(
    view,
    // literal ids: test/unit/manifest.test.ts matches registrations against package.json
    vscode.commands.registerCommand('ebpf.results.open', (loc: SourceLocation) => openLocation(loc)),
    vscode.commands.registerCommand('ebpf.results.clear', () => view.clear()),
    // a unit row's inline action: the Verify command again on its source (or object)
    vscode.commands.registerCommand('ebpf.results.verifyAgain', (row?: Row) =>
      row?.unit ? vscode.commands.executeCommand('ebpf.verifyObject', vscode.Uri.file(row.unit)) : undefined),
  );
  return view;
}
