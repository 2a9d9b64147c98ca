/**
 * `npm run test:electron`: the same suites (out/extension-host/index.js, unchanged) in a desktop VS Code through
 * @vscode/test-electron. It downloads VS Code into .e2e/vscode-test/ unless VSCODE_EXECUTABLE names an installed one,
 * so it needs network access to the VS Code downloads; CI, which has none, runs run-code-server.ts instead.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { createTestWorkspace } from '../e2e/workspace';
import { REPO } from '../support/paths';
import { buildSuite, TESTS_ENTRY } from './build';
import { parseRunOptions, testEnvironment } from './options';

async function vscodeExecutable(): Promise<string> {
  if (process.env.VSCODE_EXECUTABLE) return process.env.VSCODE_EXECUTABLE;
  try {
    return await downloadAndUnzipVSCode({ cachePath: path.join(REPO, '.e2e', 'vscode-test'), timeout: 30_000 });
  } catch (e) {
    throw new Error(`it needs network access to download VS Code (${e instanceof Error ? e.message : String(e)}). `
      + 'Set VSCODE_EXECUTABLE to an installed VS Code (its `code` binary) to run offline, or run '
      + '`npm run test:extension-host`, which runs the same suites in code-server without network.');
  }
}

async function main(): Promise<number> {
  const opts = parseRunOptions(process.argv.slice(2));
  await buildSuite();
  const executable = await vscodeExecutable();
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-ext-host-'));
  try {
    const workspace = createTestWorkspace(path.join(runDir, 'workspace'));
    mkdirSync(path.join(runDir, 'data', 'User'), { recursive: true });
    // --untrusted: trust stays on, and a fresh user-data dir trusts no folder
    if (opts.untrusted) writeFileSync(path.join(runDir, 'data', 'User', 'settings.json'), JSON.stringify({
      'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never',
    }));
    return await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: TESTS_ENTRY,
      extensionTestsEnv: testEnvironment(opts),
      launchArgs: [workspace, '--disable-extensions', ...(opts.untrusted ? [] : ['--disable-workspace-trust']), '--skip-welcome', '--skip-release-notes',
        '--user-data-dir', path.join(runDir, 'data'), '--extensions-dir', path.join(runDir, 'exts')],
    });
  } finally {
    if (!opts.keep) rmSync(runDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`test:electron: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
