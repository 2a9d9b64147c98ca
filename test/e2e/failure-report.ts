/**
 * What a failed e2e flow reports beyond Playwright's own timeout: the workbench's state (a modal dialog's words, the
 * notifications, focus) and the tails of the extension's logs. CI keeps only the test's output, not the run directory.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DIALOG, focusedElement } from './workbench';

/** Output channels of ours and the extension host's own log, in code-server's user-data logs. */
const LOG_NAME = /eBPF|exthost\.log$/;
const TAIL_LINES = 30;

function logFiles(dir: string): string[] {
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return []; }
  return entries.flatMap((name) => {
    const full = path.join(dir, name);
    try {
      if (statSync(full).isDirectory()) return logFiles(full);
    } catch { return []; }
    return LOG_NAME.test(name) ? [full] : [];
  });
}

/** The last lines of each log of ours under `dataDir/logs`. */
export function extensionLogTails(dataDir: string): string {
  const root = path.join(dataDir, 'logs');
  return logFiles(root).map((file) => {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    return `--- ${path.relative(root, file)} (last ${Math.min(TAIL_LINES, lines.length)} of ${lines.length} lines)\n${lines.slice(-TAIL_LINES).join('\n')}`;
  }).join('\n') || `(no log of ours under ${root})`;
}

/** What the page shows that a failed flow's message should carry: dialogs, notifications, the active tab, focus. */
export async function describeWorkbench(page: Page): Promise<string> {
  const texts = async (selector: string) => (await page.locator(selector).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const lines = [
    `dialogs: ${JSON.stringify(await texts(DIALOG))}`,
    `notifications: ${JSON.stringify(await texts('.notifications-toasts .notification-list-item-message'))}`,
    `active tab: ${JSON.stringify(await texts('.tabs-container .tab.active .label-name'))}`,
    `debug toolbar: ${await page.locator('.debug-toolbar').isVisible() ? 'shown' : 'hidden'}`,
    `quick input: ${await page.locator('.quick-input-widget').isVisible() ? 'open' : 'closed'}`,
    `focus: ${await focusedElement(page)}`,
  ];
  return lines.join('\n');
}

/** `error` with the workbench's state, the logs' tails and a screenshot's path appended to its message. */
export async function failureReport(error: unknown, page: Page, dataDir: string, screenshot: string): Promise<Error> {
  const err = error instanceof Error ? error : new Error(String(error));
  const state = await describeWorkbench(page).catch((e: Error) => `(the page could not be read: ${e.message})`);
  await page.screenshot({ path: screenshot }).catch(() => undefined);
  const report = `\n== the workbench at the failure (screenshot ${screenshot})\n${state}\n== the extension's logs\n${extensionLogTails(dataDir)}`;
  // the test runner prints the stack, which Playwright has already written out with the message in it
  err.message += report;
  if (err.stack !== undefined) err.stack += report;
  return err;
}
