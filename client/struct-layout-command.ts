import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { formatLayout } from '../core/layout/format';
import { STRUCT_LAYOUT_REQUEST, type StructLayoutParams, type StructLayoutResult } from '../core/lsp-ext';

const LAYOUT_SCHEME = 'ebpf-layout';

/** "eBPF: Show Struct Layout": the layout of the struct named under the cursor, asked of the language server. */
export function registerStructLayoutCommand(context: vscode.ExtensionContext, client: () => LanguageClient | undefined): void {
  // layouts open as read-only documents of their own scheme: nothing to save, nothing to prompt about
  const contents = new Map<string, string>();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(LAYOUT_SCHEME, { provideTextDocumentContent: (uri) => contents.get(uri.toString()) ?? '' }));
  context.subscriptions.push(vscode.commands.registerCommand('ebpf.showStructLayout', async () => {
    const editor = vscode.window.activeTextEditor;
    const lc = client();
    if (!editor || !lc) return undefined;
    const word = editor.document.getWordRangeAtPosition(editor.selection.active, /[A-Za-z_]\w*/);
    if (!word) {
      void vscode.window.showInformationMessage('eBPF: put the cursor on a struct name.');
      return undefined;
    }
    const params: StructLayoutParams = { uri: editor.document.uri.toString(), name: editor.document.getText(word) };
    const result = await lc.sendRequest<StructLayoutResult>(STRUCT_LAYOUT_REQUEST, params);
    if ('error' in result) {
      void vscode.window.showWarningMessage(`eBPF: ${result.error}`);
      return undefined;
    }
    const lang = result.layout.language;
    const uri = vscode.Uri.from({ scheme: LAYOUT_SCHEME, path: `/${result.layout.name.replace(/\W+/g, '_')}.layout.${lang}`, query: editor.document.uri.toString() });
    contents.set(uri.toString(), formatLayout(result.layout) + '\n');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, lang);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
    return result.layout;
  }));
}
