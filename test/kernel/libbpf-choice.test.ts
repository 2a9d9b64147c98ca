/**
 * Which libbpf answers (issue 15): the current one scripts/build-libbpf.sh built in preference, the system's as
 * the fallback, a clear error when there is none; what an object needs that an old libbpf lacks is said.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { HelperClient } from '../../core/loader/helper-client';
import { verifyObject } from '../../core/verify/verify-object';
import { BUILT_LIBBPF_DIR, builtLibbpfs, libbpfCandidates } from '../../debug-adapter/kernel/libbpf-choice';
import { DIST, REPO } from '../support/paths';

const NOWHERE = '/nonexistent/ebpf-debugger-libbpf';

describe('the libbpf the helper loads', () => {
  const helpers: HelperClient[] = [];
  const helper = (env: NodeJS.ProcessEnv = {}) => {
    const h = new HelperClient({ helperPath: path.join(DIST, 'helper.js'), env });
    helpers.push(h);
    return h;
  };
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ebpf-libbpf-'));
  after(async () => {
    for (const h of helpers) await h.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('both present: the built current libbpf (1.5+) answers, and hello says which file', async () => {
    const built = builtLibbpfs(BUILT_LIBBPF_DIR);
    assert.ok(built.length > 0, `no built libbpf under ${BUILT_LIBBPF_DIR}: run bash scripts/build-libbpf.sh (setup.sh does)`);
    const h = await helper().hello();
    assert.equal(h.libbpfSource, 'built');
    assert.equal(h.libbpfPath, built[0]);
    const [major, minor] = h.libbpf.split('.').map(Number);
    assert.ok(major > 1 || minor >= 5, `libbpf ${h.libbpf}`);
  });

  it('only the old one: the system libbpf answers; an object needing a newer one says which feature and version', async () => {
    const old = helper({ EBPF_DEBUGGER_LIBBPF_DIR: NOWHERE });
    const h = await old.hello();
    assert.deepEqual([h.libbpfSource, h.libbpfPath], ['system', 'libbpf.so.1']);
    const run = await verifyObject(old, path.join(REPO, 'test', 'programs', 'exception_cb.bpf.c'));
    assert.equal(run.report.libbpfPath, 'libbpf.so.1');
    const [major, minor] = h.libbpf.split('.').map(Number);
    if (major === 1 && minor < 3) {
      assert.match(run.report.programs[0].notes.join('\n'), /exception callbacks \(__exception_cb\), which needs libbpf 1\.3 or newer; the loader's libbpf is 1\.\d/);
    }
  });

  it('none: a clear error naming every library tried', async () => {
    const none = helper({ EBPF_DEBUGGER_LIBBPF_DIR: NOWHERE, EBPF_DEBUGGER_SYSTEM_LIBBPF: `${NOWHERE}/libbpf.so.1` });
    await assert.rejects(none.hello(), (e: Error & { code?: string }) => e.code === 'libbpf-missing' && /No libbpf could be loaded/.test(e.message) && e.message.includes(`${NOWHERE}/libbpf.so.1`));
  });

  it('a library bundled next to the helper (a VSIX: dist/libbpf/<version>/) comes after the built one, before the system\'s', () => {
    const built = builtLibbpfs(BUILT_LIBBPF_DIR)[0];
    assert.ok(built, 'a built libbpf');
    const bundled = path.join(scratch, 'bundled');
    mkdirSync(path.join(bundled, '1.6.0'), { recursive: true });
    copyFileSync(built, path.join(bundled, '1.6.0', 'libbpf.so.1'));
    const list = libbpfCandidates({}, bundled);
    assert.deepEqual(list.map((c) => c.source), [...builtLibbpfs(BUILT_LIBBPF_DIR).map(() => 'built'), 'built', 'system']);
    assert.equal(list[list.length - 2].path, path.join(bundled, '1.6.0', 'libbpf.so.1'));
  });

  it('a built library in a directory others can write is passed over', () => {
    const built = builtLibbpfs(BUILT_LIBBPF_DIR)[0];
    assert.ok(built, 'a built libbpf');
    const dir = path.join(scratch, '9.9.9');
    mkdirSync(dir);
    copyFileSync(built, path.join(dir, 'libbpf.so.1'));
    chmodSync(dir, 0o777);
    assert.deepEqual(builtLibbpfs(scratch), []);
    chmodSync(dir, 0o755);
    assert.deepEqual(builtLibbpfs(scratch), [path.join(dir, 'libbpf.so.1')]);
  });
});
