import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { VERIFIER_LOG_LANGUAGE } from '../core/lsp-ext';

/** Start the eBPF language server (dist/server.js) for C, header, Go and verifier-log documents. */
export async function startLanguageClient(context: ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // verify on save runs clang and loads programs: the server keeps it off unless the workspace is trusted
    initializationOptions: { trusted: workspace.isTrusted },
    // headers open as `cpp` by default: the server reads any `.h` as C; verifier logs get links, outline and hovers
    documentSelector: ['file', 'vscode-remote'].flatMap((scheme) => [
      { scheme, language: 'c' },
      { scheme, language: 'cpp', pattern: '**/*.h' },
      { scheme, language: 'go' },
      { scheme, language: VERIFIER_LOG_LANGUAGE },
    ]).concat([{ scheme: 'untitled', language: VERIFIER_LOG_LANGUAGE }]), // a pasted log, switched with "Open as Verifier Log"
  };
  const client = new LanguageClient('ebpf', 'eBPF Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}
