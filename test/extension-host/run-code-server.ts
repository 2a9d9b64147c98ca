/**
 * `npm run test:extension-host`: the mocha suites of test/extension-host/suite/ inside the real Node extension host
 * of code-server, offline. code-server runs with the smoke-test driver, so the page's `?payload=` loads this
 * repository as the extension under development (dist/ as built, no VSIX) and calls out/extension-host/index.js's
 * run(); headless chromium is only the workbench. Mocha's output comes back through codeAutomationLog, the result
 * through codeAutomationExit, which becomes this process's exit code (0 all passed, 1 a test failed, 2 timeout,
 * 3 the harness itself failed). With --untrusted the workspace opens untrusted and suite-untrusted/ runs instead. See shared/docs/vscode-e2e.md "(b) Integration tests inside the extension host".
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { E2E_ROOT, launchChromium, missingPrerequisites, startCodeServer, type CodeServer } from '../e2e/code-server';
import { createTestWorkspace } from '../e2e/workspace';
import { REPO } from '../support/paths';
import { buildSuite, TESTS_ENTRY } from './build';
import { parseRunOptions, testEnvironment } from './options';

// the workbench's own chatter on the extension host's console, not the tests'
const NOISE = /^(Ignoring fetching|Resolv|Creating a socket|\[reconnection|Updating additional|\[Service Worker|\[AgentHost|\[AccountPolicy)/;

async function main(): Promise<number> {
  const opts = parseRunOptions(process.argv.slice(2));
  const missing = missingPrerequisites();
  if (missing.length > 0) throw new Error(`extension host tests need ${missing.join(', ')}. Run \`bash scripts/setup.sh --e2e\`.`);
  const started = Date.now();
  await buildSuite();
  mkdirSync(E2E_ROOT, { recursive: true });
  const runDir = mkdtempSync(path.join(E2E_ROOT, 'ext-host-'));
  const workspace = createTestWorkspace(path.join(runDir, 'workspace'));
  let server: CodeServer | undefined;
  let ctx: BrowserContext | undefined;
  const cleanup = async () => {
    await ctx?.close().catch(() => undefined);
    await server?.stop();
    if (!opts.keep) rmSync(runDir, { recursive: true, force: true });
    else console.log(`extension host: kept ${runDir}`);
  };
  const onSignal = () => { void cleanup().finally(() => process.exit(130)); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    server = await startCodeServer({ workspace, runDir, smokeTestDriver: true, workspaceTrust: opts.untrusted });
    const authority = new URL(server.url).host; // code-server's remote authority is the page's host:port
    const remote = (p: string) => `vscode-remote://${authority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(REPO)],
      ['extensionTestsPath', remote(TESTS_ENTRY)],
      ['extensionEnvironment', JSON.stringify(testEnvironment(opts))],
    ];
    ctx = await launchChromium(path.join(runDir, 'chrome'));
    const page = ctx.pages()[0] ?? await ctx.newPage();
    let exit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => { exit = resolve; });
    // the hooks @vscode/test-web installs; the workbench calls them when extensionTestsPath is set
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      if (typeof args[0] === 'string' && NOISE.test(args[0])) return;
      (type === 'error' ? console.error : console.log)(...args);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    page.on('pageerror', (e) => console.error(`extension host: page error: ${e.message}`));
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), opts.timeoutMs); });
    const code = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (code === 'timeout') {
      console.error(`extension host: no result after ${opts.timeoutMs / 1000} s (--timeout); code-server's log: ${path.join(runDir, 'code-server.log')} (kept with --keep)`);
      return 2;
    }
    console.log(`extension host: exit code ${code} after ${secs} s`);
    return code;
  } finally {
    await cleanup();
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`extension host: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(3);
});
