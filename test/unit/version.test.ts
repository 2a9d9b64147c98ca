import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imagePackages } from '../../core/kernel-matrix/catalogue';
import { missingLibbpfFeatures } from '../../core/loader/libbpf-features';
import { builtLibbpfs } from '../../debug-adapter/kernel/libbpf-choice';
import { compareVersions, versionOlder } from '../../core/util/version';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('compareVersions: the one ordering of libbpf versions and kernel ABIs', () => {
  it('is numeric field by field, a missing field 0, a suffix never above a number', () => {
    assert.ok(compareVersions('6.1.0-10', '6.1.0-9') > 0, 'numeric, not lexical');
    assert.ok(compareVersions('1.10', '1.9') > 0);
    assert.equal(compareVersions('1.5', '1.5.0'), 0);
    assert.ok(compareVersions('7.3.4+deb13', '7.3.10+deb13') < 0);
    assert.ok(compareVersions('6.18.15+deb13', '6.18.9+deb13') > 0);
    assert.ok(compareVersions('v1.5.0', '1.4.7') > 0, 'a leading v is libbpf_version_string()\'s');
    assert.ok(versionOlder('1.1.2', '1.4'));
    assert.ok(!versionOlder('1.4.0', '1.4'));
    assert.deepEqual(['1.2', '1.10', '1.9.3', '1.9'].sort(compareVersions), ['1.2', '1.9', '1.9.3', '1.10']);
  });

  it('orders the kernel images, the libbpf features and the built libbpfs the same way', () => {
    const images = imagePackages(['linux-image-6.18.9+deb13-cloud-amd64', 'linux-image-6.18.15+deb13-cloud-amd64', 'linux-image-6.18.12+deb13-cloud-amd64'], '6.18');
    assert.deepEqual(images.map((p) => p.abi), ['6.18.15+deb13', '6.18.12+deb13', '6.18.9+deb13']);
    // an object with arena globals (libbpf 1.4+): only the section names are read
    const obj = { elf: { sections: [{ name: '.addr_space.1' }] }, btf: null } as never;
    assert.equal(missingLibbpfFeatures(obj, '1.10.0').length, 0, '1.10 is newer than 1.4');
    assert.equal(missingLibbpfFeatures(obj, '1.3.9').length, 1);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'built-libbpf-'));
    for (const v of ['1.4.7', '1.10.0', '1.9']) { mkdirSync(path.join(dir, v)); writeFileSync(path.join(dir, v, 'libbpf.so.1'), ''); }
    assert.deepEqual(builtLibbpfs(dir).map((f) => path.basename(path.dirname(f))), ['1.10.0', '1.9', '1.4.7']);
  });
});
