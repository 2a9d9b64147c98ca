// One build script, several entry points. koffi stays external: its native binary is loaded at run time
// from node_modules (the VSIX ships node_modules/koffi and @koromix/koffi-<os>-<arch>).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const entryPoints = {
  extension: 'client/extension.ts',
  server: 'server/server.ts',
  // the language server's worker thread for large documents (server/off-thread-analyzer.ts starts it)
  'analysis-worker': 'server/analysis-worker.ts',
  adapter: 'debug-adapter/adapter.ts',
  helper: 'debug-adapter/kernel/helper.ts',
  cli: 'cli/cli.ts',
};

mkdirSync('dist', { recursive: true });
// tree-sitter runtime and grammars are WASM files loaded next to the bundles
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'), 'dist/tree-sitter-c.wasm');
copyFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm'), 'dist/tree-sitter-go.wasm');

const options = {
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode', 'koffi'],
  // web-tree-sitter is ESM-first and calls createRequire(import.meta.url); give the CJS bundles a real value
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
  chmodSync('dist/cli.js', 0o755);
}
