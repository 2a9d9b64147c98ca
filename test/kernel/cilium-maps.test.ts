/**
 * Objects written for cilium/ebpf (issue 15): typed ring-buffer and perf maps and a user-sized map are loaded as
 * cilium/ebpf would create them, with a note per change, and leave nothing in the kernel.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { verifyObject } from '../../core/verify/verify-object';
import { fitMap, mapCreateDiagnosis, MAP_TYPE } from '../../core/loader/map-fit';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { DIST, REPO } from '../support/paths';

const CILIUM = path.join(REPO, 'test', 'programs', 'cilium');

describe('objects written for cilium/ebpf', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  const objects: Record<string, string> = {};
  before(async () => {
    for (const n of ['typed_event_maps', 'user_sized_map', 'unsized_value']) objects[n] = (await buildBpfSource(path.join(CILIUM, `${n}.bpf.c`))).object;
  });
  after(() => helper.close());

  it('typed RINGBUF and PERF_EVENT_ARRAY maps verify, with a note for each map changed; nothing is left behind', async () => {
    const baseline = await kernelObjectsQuiet();
    const run = await verifyObject(helper, objects.typed_event_maps);
    const p = run.report.programs[0];
    assert.equal(p.verdict, 'accepted', p.message ?? '');
    assert.equal(p.notes.length, 2);
    assert.match(p.notes[0], /ring buffer 'events' declares a key or value type .*value_size 16.*created without them, as cilium\/ebpf does/);
    assert.match(p.notes[1], /perf event array 'perf_events' declares key_size 4, value_size 16: created with 4 and 4/);
    assert.match(p.notes[1], /max_entries 0 .*the number of CPUs/);
    assert.deepEqual(await kernelObjectsSettled(baseline), baseline, 'no map, program or BTF object left');
  });

  it('a map user space sizes before loading (max_entries 0) verifies with max_entries 1 and a note', async () => {
    const p = (await verifyObject(helper, objects.user_sized_map)).report.programs[0];
    assert.equal(p.verdict, 'accepted', p.message ?? '');
    assert.deepEqual(p.notes, ["map 'counts' has max_entries 0 (sized by user space before loading): verified with max_entries 1"]);
  });

  it('a map the kernel still refuses: an error naming the map, the attribute and the likely cause', async () => {
    const p = (await verifyObject(helper, objects.unsized_value)).report.programs[0];
    assert.equal(p.verdict, 'error');
    assert.match(p.message ?? '', /^The kernel refused to create map 'blobs' \(type hash, key_size 4, value_size 0, max_entries 16\): likely cause: value_size 0/);
  });
});

describe('map fitting rules', () => {
  const m = { name: 'x', keySize: 4, valueSize: 8, maxEntries: 16, btfKeyTypeId: 0, btfValueTypeId: 0 };
  it('a storage map keeps max_entries 0; a sized hash is left alone', () => {
    assert.equal(fitMap({ ...m, type: MAP_TYPE.TASK_STORAGE, maxEntries: 0 }, 4), null);
    assert.equal(fitMap({ ...m, type: MAP_TYPE.HASH }, 4), null);
  });
  it('an untyped, sized ring buffer is left alone; an unsized one gets one page', () => {
    assert.equal(fitMap({ ...m, type: MAP_TYPE.RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096 }, 4), null);
    assert.deepEqual(fitMap({ ...m, type: MAP_TYPE.RINGBUF, keySize: 0, valueSize: 0, maxEntries: 0 }, 4)?.createPlain, { keySize: 0, valueSize: 0, maxEntries: 4096 });
  });
  it('a map the kernel still refuses is named with its attributes and the likely cause', () => {
    const d = mapCreateDiagnosis([{ ...m, name: 'vals', type: MAP_TYPE.HASH, valueSize: 0 }], "map 'vals': failed to create: Invalid argument(-22)");
    assert.equal(d, "The kernel refused to create map 'vals' (type hash, key_size 4, value_size 0, max_entries 16): likely cause: value_size 0: the map's value size is set by user space before loading; declare __type(value, …) or __uint(value_size, N).");
    assert.equal(mapCreateDiagnosis([], "map 'other': failed to create: x"), null);
  });
});
