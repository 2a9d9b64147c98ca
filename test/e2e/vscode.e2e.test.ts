/**
 * The product in a real VS Code (code-server + Playwright + Debian chromium): the VSIX is packaged and installed
 * into a fresh code-server, then its flows run against the real kernel. Screenshots go to test-results/e2e/.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { bugLine } from '../support/examples';
import { EXAMPLES, REPO } from '../support/paths';
import { E2E_ROOT, launchChromium, missingPrerequisites, packageVsix, startCodeServer, type CodeServer } from './code-server';
import { createTestWorkspace, E2E_FIXTURES } from './workspace';
import { failureReport } from './failure-report';
import { applyCodeAction, ctrlClickLink, cursor, exceptionWidget, expandUntilShown, goTo, hoverAtCursor, openFile, runCommand, settleWorkbench, shows, stopDebugging, waitForCursorLine } from './workbench';

const SHOTS = path.join(REPO, 'test-results', 'e2e');

describe('eBPF Debugger in a real VS Code (code-server)', { timeout: 600_000 }, () => {
  let server: CodeServer | undefined;
  let ctx: BrowserContext | undefined;
  let page: Page;
  let workspace: string;
  let dataDir: string; // code-server's user data: its logs go in the report of a failed flow
  // after the command palette has faded out, so it does not ghost over the picture
  const shot = async (name: string) => {
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };
  const problemRow = (text: RegExp) => page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();

  /**
   * One flow of the suite. It starts from a workbench at rest (a dialog, quick input or debug session an earlier
   * flow left is put away, and logged), so one failure does not make every later flow wait out its timeouts; a
   * failure's message carries what the workbench showed and the extension's logs (CI keeps only the output).
   */
  let flows = 0;
  const flow = (title: string, body: () => Promise<void>) => it(title, async () => {
    const shotName = `failed-${String(++flows).padStart(2, '0')}.png`;
    const leftovers = await settleWorkbench(page);
    if (leftovers.length > 0) console.log(`e2e: before "${title}": put away ${leftovers.join('; ')}`);
    try {
      await body();
    } catch (e) {
      throw await failureReport(e, page, dataDir, path.join(SHOTS, shotName));
    }
  });

  before(async () => {
    const missing = missingPrerequisites();
    if (missing.length > 0) throw new Error(`e2e prerequisites missing: ${missing.join(', ')}. Run \`bash scripts/setup.sh --e2e\`.`);
    mkdirSync(SHOTS, { recursive: true });
    const runDir = mkdtempSync(path.join(E2E_ROOT, 'run-'));
    const vsix = path.join(runDir, 'ebpf-debugger.vsix');
    packageVsix(vsix);
    workspace = path.join(runDir, 'workspace');
    createTestWorkspace(workspace);
    dataDir = path.join(runDir, 'data');
    server = await startCodeServer({ vsix, workspace, runDir });
    ctx = await launchChromium(path.join(runDir, 'chrome'));
    page = ctx.pages()[0] ?? await ctx.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor();
  });

  after(async () => {
    if (page && ctx) await shot('99-last').catch(() => undefined);
    await ctx?.close();
    await server?.stop();
    if (workspace && !process.env.E2E_KEEP) rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  flow('shows the padding warning inline and in Problems for a padded hash-map key', async () => {
    await openFile(page, 'padded_key.bpf.c');
    await page.locator('.monaco-editor .squiggly-warning').first().waitFor();
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'struct flow_key is the key of hash map' });
    await row.first().waitFor();
    assert.match(await row.first().innerText(), /3 bytes at offset 1, 6 bytes at offset 10/);
    await shot('01-padding-warning');

    // a click on the key's code lens opens its layout beside the source. VS Code can leave an editor's lenses unasked
    // for until it regains focus or its text changes (the server's workspace/codeLens/refresh is not always acted on
    // either): focus the editor, and if the lens is still missing, type and undo a character, as a user would
    await page.locator('.tabs-container .tab.active', { hasText: 'padded_key.bpf.c' }).click();
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: '24 bytes, align 8, 9 bytes padding' }).first();
    if (!(await shows(lens, 15_000))) {
      console.log('e2e: no code lens 15 s after focusing the editor; typing and undoing a character');
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.type(' ');
      await page.keyboard.press('Control+Z');
    }
    await lens.click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'XXX 3 byte hole at 1' }).first().waitFor();
    await shot('01a-lens-layout');
    // close that layout (a middle click on its tab), so the command below has to open it again
    const layoutTab = page.locator('.tabs-container .tab', { hasText: 'struct_flow_key.layout' });
    await layoutTab.click({ button: 'middle' });
    await layoutTab.waitFor({ state: 'detached' });

    // the layout of the struct under the cursor, from the language server's ebpf/structLayout request
    const structLine = readFileSync(path.join(EXAMPLES, 'padded_key.bpf.c'), 'utf8').split('\n').findIndex((l) => l.startsWith('struct flow_key {')) + 1;
    await page.locator('.tabs-container .tab.active', { hasText: 'padded_key.bpf.c' }).click(); // focus the editor
    await goTo(page, structLine, 10);
    await runCommand(page, 'eBPF: Show Struct Layout');
    await page.locator('.monaco-editor .view-lines', { hasText: 'XXX 3 byte hole at 1' }).first().waitFor();
    await shot('01b-struct-layout');
    // close it again: the editors of the flows below get the whole width
    await layoutTab.click({ button: 'middle' });
    await layoutTab.waitFor({ state: 'detached' });
  });

  flow('stops a debug session on the reject line, shows registers, and steps back along the path', async () => {
    const lookupLine = readFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), 'utf8').split('\n').findIndex((l) => l.includes('= bpf_map_lookup_elem(')) + 1;
    await runCommand(page, 'Debug: Start Debugging');
    await page.locator('.debug-toolbar').waitFor({ state: 'visible' });
    await page.locator('.monaco-editor .debug-top-stack-frame-line').first().waitFor();
    const exception = await exceptionWidget(page);
    // the stop is titled as what it is (it read 'Exception has occurred: EACCES'), with the verifier's message
    assert.match(await exception.innerText(), /Rejected by the verifier[\s\S]*invalid mem access 'map_value_or_null'/);
    assert.doesNotMatch(await exception.innerText(), /EACCES/);
    await page.locator('.tabs-container .tab.active', { hasText: 'null_deref.bpf.c' }).waitFor();
    await waitForCursorLine(page, bugLine('null_deref'));
    await shot('02-debug-stopped');

    // the verifier's registers at the reject, in the Run and Debug view
    await runCommand(page, 'View: Show Run and Debug');
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'null_deref @ insn' }).first().waitFor();
    await page.keyboard.press('Escape'); // let the palette close before clicking in the view
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    const r0 = page.locator('.debug-variables .monaco-list-row', { hasText: /R0\s*[:=]?\s*map_value_or_null/ }).first();
    const registers = page.locator('.debug-variables .monaco-list-row', { hasText: /^\s*Registers\s*$/ }).first();
    await expandUntilShown(registers, r0);
    assert.match(await r0.innerText(), /packet_count/);
    await shot('03-registers');

    // step back along the verifier's path: the editor moves to the lookup
    await page.locator('.debug-toolbar .action-label.codicon-debug-step-back').click();
    await waitForCursorLine(page, lookupLine);
    await page.locator('.monaco-editor .debug-top-stack-frame-line').first().waitFor();
    // the registers are now those before the call: R1 holds the map pointer, R0 is not set yet
    await page.locator('.debug-variables .monaco-list-row', { hasText: /R1\s*[:=]?\s*map_ptr/ }).first().waitFor();
    await r0.waitFor({ state: 'detached' });
    await shot('04-stepped-back');
    await stopDebugging(page);
  });

  flow('"eBPF: Verify Object" opens the reject selected, "Show Problems" shows its entry, a click lands on the line', async () => {
    await openFile(page, 'null_deref.bpf.c');
    await page.keyboard.press('Control+Home');
    await waitForCursorLine(page, 1);
    await runCommand(page, 'eBPF: Verify Object');
    // the first reject is opened with its range selected
    await waitForCursorLine(page, bugLine('null_deref'), 60_000);
    assert.match(await cursor(page), /\(\d+ selected\)/);
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'not verified: null_deref' }).first();
    await toast.locator('.monaco-button', { hasText: 'Show Problems' }).click();
    const row = problemRow(/null_deref: R0 invalid mem access 'map_value_or_null'/);
    await row.waitFor();
    // the entry carries the explanation, not only the verifier's words
    assert.match(await row.innerText(), /NULL/);
    // the user lands on the reject: it is the one selected and focused row, not the lint of the same bug on its line
    // (now a hint, not in Problems) nor the padding warning selected in the first test
    const selected = page.locator('.markers-panel .monaco-list-row[aria-selected="true"]');
    await selected.filter({ hasText: /^null_deref: R0 invalid mem access 'map_value_or_null'/ }).first().waitFor({ timeout: 10_000 })
      .catch(async () => assert.fail(`the selected Problems row is not the reject: ${JSON.stringify(await selected.allInnerTexts())}`));
    assert.equal(await selected.count(), 1, 'one selected row');
    assert.match((await selected.getAttribute('class')) ?? '', /\bfocused\b/);
    assert.ok(await page.locator('.markers-panel :focus').count() > 0, 'the keyboard is in Problems');
    assert.equal(await problemRow(/count may be NULL here/).count(), 0, 'the lint of the same bug is not a second entry');
    await page.mouse.move(700, 12); // off the rows (the toast's button was over Problems): the picture shows the selection, no hover
    await shot('05-verify-object-reject');
    await page.locator('.tabs-container .tab.active', { hasText: 'null_deref.bpf.c' }).click();
    await page.keyboard.press('Control+Home');
    await waitForCursorLine(page, 1);
    await row.click();
    await waitForCursorLine(page, bugLine('null_deref'));
    assert.match(await cursor(page), new RegExp(`^Ln ${bugLine('null_deref')}, Col \\d+`));
    await shot('05-problems-click');
  });

  flow('verify, then debug, then stop: the Verify Object reject is still in Problems', async () => {
    const reject = problemRow(/null_deref: R0 invalid mem access 'map_value_or_null'/);
    await reject.waitFor(); // from the test above
    await runCommand(page, 'Debug: Start Debugging');
    await page.locator('.debug-toolbar').waitFor({ state: 'visible' });
    await exceptionWidget(page);
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await reject.waitFor();
    await stopDebugging(page);
    // a session used to clear the Verify Object entry on start, and it never came back after Stop
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await reject.waitFor();
    await shot('11-reject-kept-after-debug');
  });

  flow('verify two files: both rejects stay in Problems', async () => {
    await openFile(page, 'packet_bounds.bpf.c');
    await runCommand(page, 'eBPF: Verify Object');
    await waitForCursorLine(page, bugLine('packet_bounds'), 60_000);
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await problemRow(/packet_bounds: invalid access to packet/).waitFor();
    // the second verify used to remove the first file's rejects
    await problemRow(/null_deref: R0 invalid mem access 'map_value_or_null'/).waitFor();
    await shot('12-two-files-rejects');
    await runCommand(page, 'Notifications: Clear All Notifications'); // the verdict toasts would cover later pictures
  });

  flow('the results view lists both objects, the reject with its explanation, and a click opens its line', async () => {
    await runCommand(page, 'View: Show eBPF Verifier');
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'eBPF Verifier' }) }).first();
    const program = view.locator('.monaco-list-row', { hasText: 'null_deref' }).first();
    await program.waitFor();
    await view.locator('.monaco-list-row', { hasText: 'packet_bounds' }).first().waitFor();
    const message = view.locator('.monaco-list-row', { hasText: "R0 invalid mem access 'map_value_or_null'" }).first();
    await expandUntilShown(program, message);
    await view.locator('.monaco-list-row', { hasText: /^\s*Why: / }).first().waitFor();
    await shot('13-results-view');
    await page.locator('.tabs-container .tab', { hasText: 'null_deref.bpf.c' }).first().click();
    await page.keyboard.press('Control+Home');
    await waitForCursorLine(page, 1);
    await message.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'null_deref.bpf.c' }).waitFor();
    await waitForCursorLine(page, bugLine('null_deref'));
  });

  flow('"eBPF: Set Up Privileged Verification" knows a root editor needs no setup', async () => {
    await runCommand(page, 'eBPF: Set Up Privileged Verification');
    await page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'no setup needed' }).waitFor();
    await shot('06-setup-privileges');
    await runCommand(page, 'Notifications: Clear All Notifications');
  });
  flow('verify on save: a NULL check typed away is rejected at its line; the kernel-verified quick fix clears it', async () => {
    await openFile(page, 'count_ok.bpf.c');
    const text = readFileSync(path.join(workspace, 'count_ok.bpf.c'), 'utf8').split('\n');
    const check = text.findIndex((l) => l.trim() === 'if (count)') + 1;
    // select `if (count) … else bpf_map_update_elem(…);` (4 lines) and type an unchecked increment over it
    await goTo(page, check, 1);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+End');
    await page.keyboard.insertText('\t*count += 1;');
    await page.keyboard.press('Home'); // back from the long line's end, so the screenshots show the code
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
    // the lint's null-check squiggles at once; the verifier's entry comes once clang and the kernel have answered
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: /count_ok: R\d+ invalid mem access 'map_value_or_null'/ }).first();
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`eBPF verifier[\\s\\S]*\\[Ln ${check}, Col \\d+\\]`));
    const squiggle = page.locator('.monaco-editor .squiggly-error');
    await squiggle.first().waitFor();
    await shot('07-verify-on-save-reject');

    await page.locator('.tabs-container .tab.active', { hasText: 'count_ok.bpf.c' }).click();
    await goTo(page, check, 3);
    await applyCodeAction(page, '(verified by the kernel)');
    await page.locator('.monaco-editor .view-lines', { hasText: 'if (!count)' }).first().waitFor();
    await shot('07b-verified-quick-fix');
    await page.keyboard.press('Control+S');
    await row.waitFor({ state: 'detached' });
    await squiggle.first().waitFor({ state: 'detached' });
    await shot('07c-reject-cleared');
  });

  flow('a header opened as cpp gets the layout hover on a struct use', async () => {
    await openFile(page, 'flow.h');
    const use = readFileSync(path.join(E2E_FIXTURES, 'flow.h'), 'utf8').split('\n').findIndex((l) => l.includes('struct flow_key key;')) + 1;
    await page.locator('.statusbar-item[id="status.editor.mode"]', { hasText: 'C++' }).waitFor(); // VS Code's languageId for a .h
    await goTo(page, use, 12); // on `flow_key`
    const hover = await hoverAtCursor(page, /8 bytes, align 4, 3 bytes padding/);
    assert.match(hover, /3 byte hole at 1/);
    await shot('08-header-hover');
    await page.keyboard.press('Escape');
  });

  flow('"eBPF: Show Struct Layout" on a use of a struct declared in an included header opens its layout', async () => {
    await openFile(page, 'flow_count.bpf.c');
    const lines = readFileSync(path.join(E2E_FIXTURES, 'flow_count.bpf.c'), 'utf8').split('\n');
    const use = lines.findIndex((l) => l.includes('struct flow_stats *s')) + 1;
    await goTo(page, use, lines[use - 1].replace(/\t/g, '    ').indexOf('flow_stats') + 3); // Go to Line counts a tab as 4 columns
    // it used to say the struct did not exist: flow_stats is declared in flow.h
    await runCommand(page, 'eBPF: Show Struct Layout');
    const layoutTab = page.locator('.tabs-container .tab', { hasText: 'struct_flow_stats.layout' }).first();
    const refusal = page.locator('.notifications-toasts .notification-list-item-message', { hasText: /^eBPF: / }).first();
    await layoutTab.or(refusal).waitFor();
    if (!(await layoutTab.isVisible())) assert.fail(`no layout opened: ${await refusal.innerText()}`);
    await page.locator('.monaco-editor .view-lines', { hasText: 'packets' }).first().waitFor();
    await shot('08a-header-struct-layout');
    await layoutTab.click({ button: 'middle' }); // the log flows below get the whole width again
    await layoutTab.waitFor({ state: 'detached' });
  });

  flow('a saved verifier log links `@ file:line` to the source: a Ctrl+click opens it at that line', async () => {
    await openFile(page, 'null_deref.verifier.log');
    const link = page.locator('.monaco-editor .view-line', { hasText: '*count += 1; /* BUG' }).locator('.detected-link').first();
    await link.waitFor();
    await shot('09-log-links');
    await ctrlClickLink(page, link, page.locator('.tabs-container .tab.active', { hasText: 'null_deref.bpf.c' }));
    await waitForCursorLine(page, bugLine('null_deref'));
    await shot('09a-log-link-opened');
  });

  flow('"eBPF: Debug This Log" replays the saved log and stops on its reject', async () => {
    await openFile(page, 'null_deref.verifier.log');
    await runCommand(page, 'eBPF: Debug This Log');
    await page.locator('.debug-toolbar').waitFor({ state: 'visible' });
    const exception = await exceptionWidget(page);
    assert.match(await exception.innerText(), /invalid mem access 'map_value_or_null'/);
    await page.locator('.tabs-container .tab.active', { hasText: 'null_deref.bpf.c' }).waitFor();
    await waitForCursorLine(page, bugLine('null_deref'));
    await shot('10-debug-this-log');
    await stopDebugging(page);
  });

  flow('a changed setting takes effect without a restart: ebpf.lint.severity turns the padding warning off, then to error', async () => {
    await openFile(page, 'padded_key.bpf.c');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = problemRow(/struct flow_key is the key of hash map 'flows'/);
    await row.waitFor();
    // the workspace's settings file, edited as a user would save it
    const settings = path.join(workspace, '.vscode', 'settings.json');
    writeFileSync(settings, JSON.stringify({ 'ebpf.lint.severity': { 'c-map-key-padding': 'off' } }, null, 2));
    await row.waitFor({ state: 'detached' });
    await shot('14-setting-lint-off');
    writeFileSync(settings, JSON.stringify({ 'ebpf.lint.severity': { 'c-map-key-padding': 'error' } }, null, 2));
    await row.waitFor();
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    await shot('14a-setting-lint-error');
    rmSync(settings);
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached' });
  });

  flow('a session of a three-program object: Call Stack shows each rejected thread\'s name whole beside its badge', async () => {
    // first_reject, second_reject and all_fine (test/programs/dap/threads_order.bpf.c), as a second launch configuration
    copyFileSync(path.join(REPO, 'test', 'programs', 'dap', 'threads_order.bpf.c'), path.join(workspace, 'threads_order.bpf.c'));
    const launch = path.join(workspace, '.vscode', 'launch.json');
    const config = JSON.parse(readFileSync(launch, 'utf8')) as { configurations: object[] };
    config.configurations.push({ type: 'ebpf', request: 'launch', name: 'Verify threads_order', program: '${workspaceFolder}/threads_order.bpf.c' });
    writeFileSync(launch, JSON.stringify(config, null, 2));
    // VS Code reads the saved launch.json through its file watcher: a picker opened before that lists the old
    // configurations only, so close it and ask again until the new one is there
    const configRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Verify threads_order' }).first();
    for (let attempt = 1; ; attempt++) {
      await runCommand(page, 'Debug: Select and Start Debugging');
      if (await shows(configRow, 10_000)) break;
      if (attempt === 3) throw new Error('"Verify threads_order" was not in the launch picker in 3 attempts: launch.json was not read again');
      console.log('e2e: the launch picker does not list the new configuration yet; asking again');
      await page.keyboard.press('Escape');
      await shows(page.locator('.quick-input-widget'), 5_000, 'hidden');
    }
    await configRow.click();
    await exceptionWidget(page);
    await runCommand(page, 'View: Show Run and Debug');
    const thread = page.locator('.debug-call-stack .monaco-list-row', { hasText: 'first_reject' }).first();
    await thread.waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    // the badge is the stop's one word; the name beside it is not cut (it read `✗ first_rej… REJECTED BY THE VERIFIER`)
    const name = thread.locator('.thread .name').first();
    assert.equal((await name.innerText()).trim(), '✗ first_reject (xdp)');
    assert.match(await thread.locator('.state').first().innerText(), /^\s*rejected\s*$/i);
    const cut = await name.evaluate((e) => e.scrollWidth > e.clientWidth);
    assert.equal(cut, false, 'the thread\'s name is shown whole, not cut by an ellipsis');
    await shot('15-threads-call-stack');
    await stopDebugging(page);
  });
});
