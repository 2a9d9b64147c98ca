/** The extension host runners' command line (test/extension-host/options.ts): what reaches the extension host. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRunOptions, testEnvironment } from '../extension-host/options';

describe('extension host runner options', () => {
  it('passes --grep, --file and --untrusted to the extension host as its environment', () => {
    const opts = parseRunOptions(['--grep', 'both rejects', '--file', 'diagnostics', '-f', 'results', '--untrusted'], {});
    assert.deepEqual(testEnvironment(opts), {
      EBPF_TEST_SUITE_DIR: 'suite-untrusted', EBPF_TEST_GREP: 'both rejects', EBPF_TEST_FILES: 'diagnostics,results',
    });
  });

  it('takes the same from the environment, and runs suite/ by default', () => {
    const opts = parseRunOptions([], { EBPF_TEST_GREP: 'x', EBPF_TEST_FILES: 'a,b', EBPF_TEST_TIMEOUT: '30', E2E_KEEP: '1' });
    assert.deepEqual(testEnvironment(opts), { EBPF_TEST_SUITE_DIR: 'suite', EBPF_TEST_GREP: 'x', EBPF_TEST_FILES: 'a,b' });
    assert.equal(opts.timeoutMs, 30_000);
    assert.equal(opts.keep, true);
    assert.equal(parseRunOptions([], {}).timeoutMs, 600_000);
  });

  it('refuses an unknown argument, a missing value and a bad timeout, with the usage', () => {
    assert.throws(() => parseRunOptions(['--grp', 'x'], {}), /unknown argument '--grp'\nusage: npm run test:extension-host/);
    assert.throws(() => parseRunOptions(['--grep'], {}), /--grep needs a value/);
    assert.throws(() => parseRunOptions(['--timeout', 'soon'], {}), /--timeout \(or EBPF_TEST_TIMEOUT\) must be a positive number/);
    assert.throws(() => parseRunOptions([], { EBPF_TEST_TIMEOUT: '0' }), /must be a positive number/);
  });
});
