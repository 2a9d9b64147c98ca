import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { builtLibbpfs } from '../../debug-adapter/kernel/libbpf-choice';
import { REPO } from '../support/paths';

/** vscode:prepublish's libbpf step: the newest built library goes into the VSIX's dist/libbpf/<version>/, licences too. */
function bundle(built: string, out: string) {
  return spawnSync(process.execPath, [path.join(REPO, 'scripts', 'bundle-libbpf.mjs')],
    { encoding: 'utf8', env: { ...process.env, EBPF_LIBBPF_DIR: built, EBPF_BUNDLE_LIBBPF_OUT: out } });
}

describe('bundle-libbpf (VSIX packaging)', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('copies the newest built libbpf with its licence files, where the helper looks for a bundled one', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ebpf-bundle-'));
    for (const v of ['1.4.0', '1.10.1', '1.5.0']) {
      mkdirSync(path.join(root, 'built', v), { recursive: true });
      writeFileSync(path.join(root, 'built', v, 'libbpf.so.1'), `libbpf ${v}`);
      writeFileSync(path.join(root, 'built', v, 'LICENSE.LGPL-2.1'), 'LGPL');
    }
    mkdirSync(path.join(root, 'built', 'apt')); // build-libbpf.sh's apt state lives beside the versions
    const out = path.join(root, 'dist-libbpf');
    const r = bundle(path.join(root, 'built'), out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(out), ['1.10.1']);
    assert.deepEqual(readdirSync(path.join(out, '1.10.1')).sort(), ['LICENSE.LGPL-2.1', 'libbpf.so.1']);
    assert.deepEqual(builtLibbpfs(out), [path.join(out, '1.10.1', 'libbpf.so.1')]);
  });

  it('without a built libbpf, says the VSIX uses the system one and bundles nothing', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ebpf-bundle-'));
    const out = path.join(root, 'dist-libbpf');
    const r = bundle(path.join(root, 'none'), out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /no libbpf built .* the VSIX will use the system's libbpf/);
    assert.equal(existsSync(out), false);
  });
});
