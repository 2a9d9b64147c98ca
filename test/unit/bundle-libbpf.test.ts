import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { builtLibbpfs } from '../../debug-adapter/kernel/libbpf-choice';
import { builtVersions } from '../../scripts/bundle-libbpf';
import { REPO } from '../support/paths';

/** vscode:prepublish's libbpf step, run as package.json runs it: the newest built library goes into dist/libbpf/<version>/. */
function bundle(built: string, out: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'scripts', 'bundle-libbpf.ts')],
    { cwd: REPO, encoding: 'utf8', env: { ...process.env, EBPF_LIBBPF_DIR: built, EBPF_BUNDLE_LIBBPF_OUT: out } });
}

/** A build-libbpf.sh output directory: each version with its library and licence, and the apt state beside them. */
function builtTree(root: string, versions: string[]): string {
  const built = path.join(root, 'built');
  for (const v of versions) {
    mkdirSync(path.join(built, v), { recursive: true });
    writeFileSync(path.join(built, v, 'libbpf.so.1'), `libbpf ${v}`);
    writeFileSync(path.join(built, v, 'LICENSE.LGPL-2.1'), 'LGPL');
  }
  mkdirSync(path.join(built, 'apt'), { recursive: true });
  return built;
}

describe('bundle-libbpf (VSIX packaging)', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('copies the newest built libbpf with its licence files, where the helper looks for a bundled one', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ebpf-bundle-'));
    const built = builtTree(root, ['1.4.0', '1.10.1', '1.5.0']);
    const out = path.join(root, 'dist-libbpf');
    const r = bundle(built, out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /bundle-libbpf: libbpf 1\.10\.1 -> dist\/libbpf\/1\.10\.1\//);
    assert.deepEqual(readdirSync(out), ['1.10.1']);
    assert.deepEqual(readdirSync(path.join(out, '1.10.1')).sort(), ['LICENSE.LGPL-2.1', 'libbpf.so.1']);
    assert.deepEqual(builtLibbpfs(out), [path.join(out, '1.10.1', 'libbpf.so.1')]);
  });

  it('orders versions by number, field by field: 1.10.0 above 1.9.0 (not as text), 1.5 as 1.5.0', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ebpf-bundle-'));
    const built = builtTree(root, ['1.9.0', '1.5', '1.10.0', '1.9.12', '1.5.1']);
    assert.deepEqual(builtVersions(built), ['1.10.0', '1.9.12', '1.9.0', '1.5.1', '1.5']);
    const out = path.join(root, 'dist-libbpf');
    assert.equal(bundle(built, out).status, 0);
    assert.deepEqual(readdirSync(out), ['1.10.0']);
  });

  it('passes over a newer directory without a library (a failed build) and names that are no release', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ebpf-bundle-'));
    const built = builtTree(root, ['1.4.7', '1.3.0']);
    mkdirSync(path.join(built, '1.6.0'));
    mkdirSync(path.join(built, '9.9.9-rc1'));
    writeFileSync(path.join(built, '9.9.9-rc1', 'libbpf.so.1'), 'not a release');
    assert.deepEqual(builtVersions(built), ['1.4.7', '1.3.0']);
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
