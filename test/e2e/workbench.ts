import type { Locator, Page } from 'playwright-core';

export const statusItem = (id: string) => `.statusbar-item[id="${id}"]`;

/** A modal dialog (VS Code's own, e.g. a launch's error): while it is up, the workbench takes no keyboard shortcut. */
export const DIALOG = '.monaco-dialog-box';

/** Whether `locator` reaches `state` within `timeout` ms (a step that has a fallback, not one that must succeed). */
export function shows(locator: Locator, timeout: number, state: 'visible' | 'hidden' = 'visible'): Promise<boolean> {
  return locator.waitFor({ state, timeout }).then(() => true, () => false);
}

/**
 * Press `keys` (Ctrl+P, Ctrl+Shift+P) and return the quick input once it is visible. If it does not show, say why
 * at once (a modal dialog, quoted) rather than letting the next step wait out its timeout on a hidden input; a press
 * that reached the workbench while it was busy is tried once more.
 */
export async function openQuickInput(page: Page, keys: string): Promise<Locator> {
  const input = page.locator('.quick-input-widget input.input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(keys);
    if (await shows(input, 10_000)) return input;
    const dialog = page.locator(DIALOG);
    if (await dialog.isVisible()) throw new Error(`${keys} opened no quick input: a modal dialog is up: ${JSON.stringify(await dialog.innerText())}`);
    if (attempt === 2) throw new Error(`${keys} opened no quick input in 2 attempts (focus: ${await focusedElement(page)})`);
    console.log(`e2e: ${keys} opened no quick input within 10 s; pressing it again`);
  }
}

export async function focusedElement(page: Page): Promise<string> {
  // the tests' tsconfig has no DOM types: the element is described from its outerHTML's opening tag
  const html = await page.locator('*:focus').first().evaluate((e) => e.outerHTML).catch(() => '');
  return html ? html.slice(0, html.indexOf('>') + 1).slice(0, 200) : 'none (the page body)';
}

/** Press the debug toolbar's Stop (or Disconnect) and wait for the toolbar to go: the session has ended. */
export async function stopDebugging(page: Page, timeout?: number): Promise<void> {
  await page.locator('.debug-toolbar .action-label.codicon-debug-stop, .debug-toolbar .action-label.codicon-debug-disconnect').first().click({ timeout });
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout });
}

/**
 * Put the workbench back to rest between flows, so one flow's failure does not become every later flow's: a modal
 * dialog is dismissed, a quick input closed, a debug session stopped. Returns what it found, for the log.
 */
export async function settleWorkbench(page: Page): Promise<string[]> {
  const found: string[] = [];
  const dialog = page.locator(DIALOG);
  if (await dialog.isVisible()) {
    found.push(`a modal dialog: ${JSON.stringify(await dialog.innerText())}`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }
  const quick = page.locator('.quick-input-widget');
  // a palette whose command ran fades out for a moment: only one still up after that was left open
  if (!(await shows(quick, 2_000, 'hidden'))) {
    found.push('an open quick input');
    await page.keyboard.press('Escape');
    await quick.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }
  if (await page.locator('.debug-toolbar').isVisible()) {
    found.push('a debug session');
    await stopDebugging(page, 15_000).catch(() => found.push('a debug session that did not end'));
  }
  return found;
}

/** Run a command from the palette, clicking the row whose label is exactly `label` (fuzzy ranking makes Enter unsafe). */
export async function runCommand(page: Page, label: string): Promise<void> {
  const input = await openQuickInput(page, 'Control+Shift+P');
  await input.fill('>' + label);
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${esc}$`) }) }).first().click();
}

export async function openFile(page: Page, name: string): Promise<void> {
  await (await openQuickInput(page, 'Control+P')).fill(name);
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

/** Put the cursor at a 1-based line and column through Go to Line (Ctrl+P `:line:col`), and wait until it is there. */
export async function goTo(page: Page, line: number, column = 1): Promise<void> {
  // Enter can reach the quick pick before it has switched from file search to Go to Line (the widget then stays
  // open): wait for the Go to Line row, and if the widget is still open after Enter, close it and ask again
  const widget = page.locator('.quick-input-widget');
  for (let attempt = 1; ; attempt++) {
    await (await openQuickInput(page, 'Control+P')).fill(`:${line}:${column}`);
    await page.locator('.quick-input-widget', { hasText: new RegExp(`line ${line}\\b`, 'i') }).waitFor({ timeout: 10_000 }).catch(() => undefined);
    await page.keyboard.press('Enter');
    if (await shows(widget, 10_000, 'hidden')) break;
    if (attempt === 3) throw new Error(`Go to Line ${line}:${column} did not close the quick pick in 3 attempts`);
    console.log(`e2e: Go to Line ${line}:${column} left the quick pick open; asking again`);
    await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden' });
  }
  await waitForCursorLine(page, line);
}

/**
 * Apply the code action whose title contains `title` at the cursor (Ctrl+.). The server may offer it only once its
 * own work is done (a fix verified by the kernel), and VS Code asks once per Ctrl+.: so ask again until it is listed.
 */
export async function applyCodeAction(page: Page, title: string, timeout = 60_000): Promise<void> {
  const row = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.keyboard.press('Control+.');
    if (await shows(row, 5_000)) break;
    if (Date.now() > deadline) throw new Error(`no code action titled '${title}' within ${timeout} ms`);
    await page.keyboard.press('Escape');
    await page.locator('.action-widget .monaco-list-row').first().waitFor({ state: 'hidden' }).catch(() => undefined);
  }
  await row.click();
  await row.waitFor({ state: 'hidden' });
}

/** The hover at the cursor (Ctrl+K Ctrl+I, "Show or Focus Hover"), once its text matches `expected`. */
export async function hoverAtCursor(page: Page, expected: RegExp): Promise<string> {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-editor .monaco-hover', { hasText: expected }).first();
  await hover.waitFor({ state: 'visible' });
  return hover.innerText();
}

/**
 * Expand a tree `row` until `child` shows. VS Code expands a debug session's first scope on its own, a moment after
 * the row is drawn: a click decided on one read of aria-expanded can land just after that and collapse it again. So
 * read, click only a collapsed row, and look again, until the child is there.
 */
export async function expandUntilShown(row: Locator, child: Locator, timeout = 60_000): Promise<void> {
  await row.waitFor();
  const deadline = Date.now() + timeout;
  while (!(await shows(child, 3_000))) {
    if (Date.now() > deadline) throw new Error(`the row ${JSON.stringify(await row.innerText())} did not show its child within ${timeout} ms`);
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  }
}

/**
 * Ctrl+click `link` (a detected link in an editor) until `opened` shows. Holding Ctrl over a link makes VS Code draw
 * its line again (the link's underline), so the span Playwright checked for a stable click is detached under it, and
 * a locator click can retry that for its whole timeout: press at the link's place with the mouse itself instead.
 */
export async function ctrlClickLink(page: Page, link: Locator, opened: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await link.waitFor();
    const box = await link.boundingBox();
    if (box) {
      const x = box.x + Math.min(box.width / 2, 10);
      const y = box.y + box.height / 2;
      await page.mouse.move(x, y);
      await page.keyboard.down('Control');
      await page.mouse.click(x, y);
      await page.keyboard.up('Control');
      if (await shows(opened, 10_000)) return;
    }
    if (attempt === 3) throw new Error(`Ctrl+click on the link ${JSON.stringify(await link.innerText())} opened nothing in 3 attempts`);
    console.log('e2e: a Ctrl+click on a link opened nothing within 10 s; clicking again');
  }
}

/**
 * The exception widget of a stop on a reject. VS Code shows it when the stopped frame gets focus in an editor of its
 * file; a fresh-clone run once stopped on the line (top frame marked) with no widget for 60 s, the focus having come
 * before the editor was on that file. If it is not there within 15 s, focus the top frame again from Call Stack, as a
 * user would.
 */
export async function exceptionWidget(page: Page): Promise<Locator> {
  const widget = page.locator('.monaco-editor .exception-widget');
  if (!(await shows(widget, 15_000))) {
    console.log('e2e: no exception widget 15 s after the stop; focusing the top frame in Call Stack again');
    await runCommand(page, 'View: Show Run and Debug');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page.locator('.debug-call-stack .stack-frame').first().click();
  }
  await widget.waitFor();
  return widget;
}
