import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as koffi from 'koffi';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { summarizeLog } from '../../core/verifier-log/parse';
import { declareOpenOpts, openOptsLayout } from '../../debug-adapter/kernel/open-opts';
import { examplePath } from '../support/examples';
import { DIST } from '../support/paths';

describe('log buffer: an ENOSPC never hides the verdict', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  const objects: Record<string, string> = {};
  before(async () => {
    for (const n of ['null_deref', 'count_ok']) objects[n] = (await buildBpfSource(examplePath(n))).object;
  });
  after(() => helper.close());

  it('a rejected program whose log overflows a small buffer still reports EACCES and the reject', async () => {
    const out = await helper.verify({ path: objects.null_deref, program: 'null_deref', logLevel: 2, logSize: 256 });
    assert.equal(out.errno, 13, 'the real errno, not ENOSPC');
    assert.equal(out.logTruncated, true);
    const s = summarizeLog(out.log);
    assert.deepEqual(s.messageLines, ["R0 invalid mem access 'map_value_or_null'"]);
  });

  it('an accepted program whose log overflows is still accepted', async () => {
    const out = await helper.verify({ path: objects.count_ok, program: 'count_ok', logLevel: 2, logSize: 256 });
    assert.deepEqual([out.errno, out.logTruncated], [0, true]);
  });

  it('a log that fits is not retried', async () => {
    const out = await helper.verify({ path: objects.null_deref, program: 'null_deref', logLevel: 2 });
    assert.deepEqual([out.errno, out.logTruncated], [13, undefined]);
  });

  it('refuses a buffer size the kernel would refuse', async () => {
    await assert.rejects(helper.verify({ path: objects.count_ok, program: 'count_ok', logLevel: 1, logSize: 1024 ** 3 }), { code: 'usage' });
  });
});

describe('bpf_object_open_opts per libbpf version', () => {
  it('80 bytes up to 1.3, 88 with bpf_token_path from 1.4: both declarations match the C layout', () => {
    assert.equal(openOptsLayout(1, 1).size, 80);
    assert.equal(openOptsLayout(1, 3).size, 80);
    assert.equal(openOptsLayout(1, 4).size, 88);
    assert.equal(openOptsLayout(2, 0).size, 88);
    for (const [major, minor] of [[1, 1], [1, 5]]) {
      const t = declareOpenOpts(koffi, openOptsLayout(major, minor));
      assert.equal(koffi.offsetof(t, 'kernel_log_level'), 72);
    }
    assert.equal(koffi.offsetof(declareOpenOpts(koffi, { ...openOptsLayout(1, 6), name: 'opts_check_token' }), 'bpf_token_path'), 80);
  });
});
