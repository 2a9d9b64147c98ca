import * as path from 'node:path';
import { workspace, type Diagnostic, type ExtensionContext, type Uri } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { VERIFIER_LOG_LANGUAGE } from '../core/lsp-ext';
import { LANGUAGE_CLIENT_ID } from '../core/settings';
import { registerWorkspaceTrust } from './workspace-trust';

/**
 * Start the eBPF language server (dist/server.js) for C, header, Go and verifier-log documents. `shownDiagnostics`:
 * what Problems gets of the server's diagnostics (VerdictDiagnostics.fromServer).
 */
export async function startLanguageClient(context: ExtensionContext, shownDiagnostics?: (uri: Uri, diagnostics: Diagnostic[]) => Diagnostic[]): Promise<LanguageClient> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // verify on save runs clang and loads programs: the server keeps it off unless the workspace is trusted (updated by workspace-trust.ts)
    initializationOptions: { trusted: workspace.isTrusted },
    // headers open as `cpp` by default: the server reads any `.h` as C; verifier logs get links, outline and hovers
    documentSelector: ['file', 'vscode-remote'].flatMap((scheme) => [
      { scheme, language: 'c' },
      { scheme, language: 'cpp', pattern: '**/*.h' },
      { scheme, language: 'go' },
      { scheme, language: VERIFIER_LOG_LANGUAGE },
    ]).concat([{ scheme: 'untitled', language: VERIFIER_LOG_LANGUAGE }]), // a pasted log, switched with "Open as Verifier Log"
    middleware: { handleDiagnostics: (uri, diagnostics, next) => next(uri, shownDiagnostics ? shownDiagnostics(uri, diagnostics) : diagnostics) },
  };
  // the id names the trace setting vscode-languageclient reads itself: ebpf.trace.server (core/settings.ts declares it)
  const client = new LanguageClient(LANGUAGE_CLIENT_ID, 'eBPF Language Server', serverOptions, clientOptions);
  await client.start();
  registerWorkspaceTrust(context, client);
  return client;
}
