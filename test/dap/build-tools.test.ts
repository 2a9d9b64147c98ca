/**
 * The build a session of a .bpf.c does runs the clang its `clangPath` launch attribute names (the client sets it from
 * ebpf.clang.path, test/extension-host/suite/debug-build-settings.test.ts), with the `build` arguments after the
 * defaults; a clangPath that cannot run fails the launch saying which clang it tried.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { bugLine, examplePath } from '../support/examples';
import { adapterPerTest, launchToReject } from './dap-suite';

describe('debug adapter: the clang of `clangPath`', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-dap-clang-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const adapter = adapterPerTest();

  it('builds with that clang and the launch\'s build arguments, then stops on the reject', async () => {
    const calls = path.join(dir, 'calls.txt');
    const wrapper = path.join(dir, 'clang-wrapper');
    // records its arguments one per line, then is clang
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" >> '${calls}'\nexec clang "$@"\n`);
    chmodSync(wrapper, 0o755);
    await launchToReject(adapter.dc, { program: examplePath('null_deref'), clangPath: wrapper, build: ['-DFROM_LAUNCH=1'] },
      { path: examplePath('null_deref'), line: bugLine('null_deref') });
    const args = readFileSync(calls, 'utf8').split('\n');
    assert.ok(args.includes(examplePath('null_deref')), `the wrapper built null_deref.bpf.c: ${args.join(' ')}`);
    assert.ok(args.includes('bpf') && args.includes('-DFROM_LAUNCH=1'), `with -target bpf and the launch's argument: ${args.join(' ')}`);
  });

  it('a clangPath that cannot run fails the launch naming it', async () => {
    const { dc } = adapter;
    const missing = path.join(dir, 'no-such-clang');
    const [, launched] = await Promise.all([dc.configurationSequence().catch(() => undefined),
      dc.launch({ program: examplePath('null_deref'), clangPath: missing }).then(() => null, (e: Error) => e)]);
    assert.ok(launched instanceof Error, 'the launch fails');
    assert.match(launched.message, new RegExp(`Cannot run ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });
});
