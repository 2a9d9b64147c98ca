/**
 * `ebpf-debugger lsp`: the language server the VS Code extension runs (dist/server.js), on stdio, for any LSP
 * editor (Neovim, Helix, Emacs...). It runs in this process: the server bundle sits beside the CLI's.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './args';

const TRANSPORTS = /^--(stdio|node-ipc|socket|pipe)(=|$)/;

/** dist/server.js: beside this bundle, or under dist/ when the CLI runs from its sources. */
export function serverBundlePath(): string {
  const beside = path.join(__dirname, 'server.js');
  return existsSync(beside) ? beside : path.resolve(__dirname, '..', 'dist', 'server.js');
}

export function runLsp(args: string[]): Promise<number> {
  const unknown = args.filter((a) => !TRANSPORTS.test(a) && !a.startsWith('--clientProcessId'));
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown[0]}; it takes none (the server talks LSP on stdin/stdout).`);
  const server = serverBundlePath();
  if (!existsSync(server)) {
    process.stderr.write(`ebpf-debugger lsp: the language server ${server} is missing; run \`npm run build\`.\n`);
    return Promise.resolve(2);
  }
  // the server picks its transport from the command line, as when an editor starts dist/server.js itself
  if (!args.some((a) => TRANSPORTS.test(a))) process.argv.push('--stdio');
  // a path known only at run time: the server bundle is loaded, not bundled into the CLI a second time
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(server);
  return new Promise<number>(() => undefined); // the server ends the process when the editor says exit
}
