import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { describeError } from '../core/errors';
import { formatLayout } from '../core/layout/format';
import { SHOW_STRUCT_LAYOUT_COMMAND, STRUCT_LAYOUT_REQUEST, type StructLayoutParams, type StructLayoutResult } from '../core/lsp-ext';
import { ebpfOutput } from './output-channel';

const LAYOUT_SCHEME = 'ebpf-layout';
/** The layouts come from the language server: without it there is nothing to ask. */
export const SERVER_NOT_RUNNING = 'the language server is not running, and struct layouts come from it. See the "eBPF Language Server" output, or reload the window.';

/**
 * "eBPF: Show Struct Layout": the layout of the struct named under the cursor, asked of the language server. A code
 * lens passes the document and the struct's name instead.
 */
export function registerStructLayoutCommand(context: vscode.ExtensionContext, client: () => LanguageClient | undefined): void {
  // layouts open as read-only documents of their own scheme: nothing to save, nothing to prompt about
  const contents = new Map<string, string>();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(LAYOUT_SCHEME, { provideTextDocumentContent: (uri) => contents.get(uri.toString()) ?? '' }));
  context.subscriptions.push(vscode.commands.registerCommand(SHOW_STRUCT_LAYOUT_COMMAND, async (fromUri?: string, fromName?: string) => {
    const lc = client();
    if (!lc?.isRunning()) {
      ebpfOutput().warn('Show Struct Layout: the language server is not running');
      void vscode.window.showWarningMessage(`eBPF: ${SERVER_NOT_RUNNING}`);
      return undefined;
    }
    let params: StructLayoutParams;
    if (typeof fromUri === 'string' && typeof fromName === 'string') params = { uri: fromUri, name: fromName };
    else {
      const editor = vscode.window.activeTextEditor;
      const word = editor?.document.getWordRangeAtPosition(editor.selection.active, /[A-Za-z_]\w*/);
      if (!editor || !word) {
        void vscode.window.showInformationMessage('eBPF: put the cursor on a struct name.');
        return undefined;
      }
      params = { uri: editor.document.uri.toString(), name: editor.document.getText(word) };
    }
    let result: StructLayoutResult;
    try {
      result = await lc.sendRequest<StructLayoutResult>(STRUCT_LAYOUT_REQUEST, params);
    } catch (e) {
      // the server stopped or failed on this request: say so rather than leave the command silent
      ebpfOutput().error(`Show Struct Layout '${params.name}': ${describeError(e)}`);
      void vscode.window.showErrorMessage(`eBPF: the language server could not lay out '${params.name}': ${describeError(e)}. See the "eBPF Language Server" output.`);
      return undefined;
    }
    if ('error' in result) {
      ebpfOutput().debug(`Show Struct Layout '${params.name}': ${result.error}`);
      void vscode.window.showWarningMessage(`eBPF: ${result.error}`);
      return undefined;
    }
    const lang = result.layout.language;
    const uri = vscode.Uri.from({ scheme: LAYOUT_SCHEME, path: `/${result.layout.name.replace(/\W+/g, '_')}.layout.${lang}`, query: params.uri });
    contents.set(uri.toString(), formatLayout(result.layout) + '\n');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, lang);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
    return result.layout;
  }));
}
