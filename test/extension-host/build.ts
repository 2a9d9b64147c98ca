/**
 * Bundles the extension host's test entry and every suite/*.test.ts and suite-untrusted/*.test.ts into out/extension-host/ (the extension host
 * loads JavaScript). vscode is the host's own module and mocha stays a real package (index.js and the suites must
 * share one mocha: the suites' describe/it find mocha's current context through it).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { REPO } from '../support/paths';
import { SUITE_DIRS } from './options';

export const OUT = path.join(REPO, 'out', 'extension-host');
export const TESTS_ENTRY = path.join(OUT, 'index.js');
const SRC = path.join(REPO, 'test', 'extension-host');

export async function buildSuite(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true }); // a deleted suite file must not run from an old bundle
  const suites = Object.values(SUITE_DIRS).filter((dir) => existsSync(path.join(SRC, dir)))
    .flatMap((dir) => readdirSync(path.join(SRC, dir)).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(SRC, dir, f)));
  await esbuild.build({
    entryPoints: [path.join(SRC, 'index.ts'), ...suites],
    outbase: SRC,
    outdir: OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline', // a failing assertion's stack names the .ts line
    external: ['vscode', 'mocha', 'koffi'],
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });
}
