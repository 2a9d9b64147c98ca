import type { Page } from 'playwright-core';

export const statusItem = (id: string) => `.statusbar-item[id="${id}"]`;

/** Run a command from the palette, clicking the row whose label is exactly `label` (fuzzy ranking makes Enter unsafe). */
export async function runCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>' + label);
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${esc}$`) }) }).first().click();
}

export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input.input').fill(name);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
}

/** The cursor as the status bar shows it, e.g. `Ln 18, Col 2 (9 selected)`. */
export async function cursor(page: Page): Promise<string> {
  return (await page.locator(statusItem('status.editor.selection')).innerText()).trim();
}

export async function waitForCursorLine(page: Page, line: number, timeout = 30_000): Promise<void> {
  await page.locator(statusItem('status.editor.selection'), { hasText: new RegExp(`Ln ${line},`) }).waitFor({ timeout });
}
