/**
 * The extension host's test entry (extensionTestsPath): VS Code calls run() inside the real Node extension host,
 * once the extension under development is loaded, and exits with 0 if it resolves, 1 if it rejects. Both runners
 * (run-code-server.ts offline, run-electron.ts with a downloaded VS Code) point at the bundle of this file.
 *
 * EBPF_TEST_SUITE_DIR picks the folder of suites (suite/, or suite-untrusted/ for a workspace opened untrusted);
 * EBPF_TEST_GREP (a mocha --grep pattern) and EBPF_TEST_FILES (comma-separated parts of suite file names) narrow
 * the run. The runners pass them through the extension host's environment.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  process.setSourceMapsEnabled(true); // a failing assertion's stack names the suite's .ts line (inline source maps)
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false, // the output goes through codeAutomationLog / the electron's stdout, not a terminal
    timeout: 60_000, // clang and the kernel answer in seconds, but 2 shared cores can make that many
    grep: process.env.EBPF_TEST_GREP || undefined,
  });
  const suiteDir = path.join(__dirname, process.env.EBPF_TEST_SUITE_DIR || 'suite');
  const only = (process.env.EBPF_TEST_FILES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const files = readdirSync(suiteDir).filter((f) => f.endsWith('.test.js'))
    .filter((f) => only.length === 0 || only.some((part) => f.includes(part))).sort();
  if (files.length === 0) return Promise.reject(new Error(`no suite file in ${suiteDir} matches EBPF_TEST_FILES=${only.join(',')}`));
  for (const f of files) mocha.addFile(path.join(suiteDir, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      console.log(`extension host: ${failures} failing test(s) in ${files.join(', ')}`);
      if (failures > 0) reject(new Error(`${failures} extension host test(s) failed`));
      else resolve();
    });
  });
}
