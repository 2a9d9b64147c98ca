import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LAUNCH_ATTRIBUTES, validateLaunchArguments } from '../../core/launch-attributes';

describe('launch attributes of a session: kernels, storageDir, replayLog', () => {
  it('kernels defaults to the host and must be a non-empty list of names', () => {
    assert.deepEqual(LAUNCH_ATTRIBUTES.kernels.default, ['host']);
    assert.equal(validateLaunchArguments({ program: 'a.o', kernels: ['host', '6.1'] }), null);
    for (const kernels of [[], 'host', [6.1]] as unknown[]) {
      assert.match(validateLaunchArguments({ program: 'a.o', kernels } as never) ?? '', /"kernels" must be a non-empty list such as \["host", "6\.1"\]/);
    }
  });

  it('kernels refuses an empty or blank entry, saying what to list', () => {
    for (const kernels of [[''], ['host', ' '], [','], ['6.1', ' , ']]) {
      assert.match(validateLaunchArguments({ program: 'a.o', kernels }) ?? '', /"kernels" has an empty entry: list kernel names such as "host" .* or "6\.1"/, JSON.stringify(kernels));
    }
    assert.equal(validateLaunchArguments({ program: 'a.o', kernels: ['host,6.1'] }), null, 'a comma-separated entry still names kernels');
  });

  it('storageDir and replayLog are directories set by the extension, said as internal', () => {
    assert.equal(validateLaunchArguments({ program: 'a.o', storageDir: '/x', replayLog: '/y' }), null);
    assert.match(validateLaunchArguments({ program: 'a.o', replayLog: 3 } as never) ?? '', /"replayLog" must be a directory/);
    assert.match(validateLaunchArguments({ program: 'a.o', storageDir: true } as never) ?? '', /"storageDir" must be a directory/);
    assert.match(LAUNCH_ATTRIBUTES.replayLog.description, /^Internal: set by "eBPF: Debug This Log"/);
    assert.match(LAUNCH_ATTRIBUTES.storageDir.description, /^Internal: set by the extension/);
  });
});
