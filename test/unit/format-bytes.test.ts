import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes } from '../../core/loader/limits';

/** The one byte-count format: setup-privileges' limit messages and the helper's trace lines ("after 45.2 KiB of log"). */
describe('formatBytes', () => {
  it('counts bytes below a KiB, then KiB, MiB and GiB to one decimal, switching unit at each power of 1024', () => {
    const KiB = 1024;
    const MiB = 1024 * KiB;
    assert.equal(formatBytes(0), '0 bytes');
    assert.equal(formatBytes(812), '812 bytes');
    assert.equal(formatBytes(KiB - 1), '1023 bytes');
    assert.equal(formatBytes(KiB), '1.0 KiB');
    assert.equal(formatBytes(46_285), '45.2 KiB');
    assert.equal(formatBytes(MiB - 1), '1024.0 KiB');
    assert.equal(formatBytes(MiB), '1.0 MiB');
    assert.equal(formatBytes(27 * MiB + MiB / 2), '27.5 MiB');
    assert.equal(formatBytes(1024 * MiB), '1.0 GiB', 'a gigabyte log reads in GiB, not as 1024.0 MiB');
    assert.equal(formatBytes(4 * 1024 * MiB), '4.0 GiB');
  });
});
