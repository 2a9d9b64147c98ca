import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { verifyObject } from '../../core/verify/verify-object';
import { DIST, REPO } from '../support/paths';
import { rejectMarker } from '../support/programs';
import { examplePath } from '../support/examples';

const CAP_DEPENDENT = path.join(REPO, 'test', 'programs', 'cap_dependent.bpf.c');

describe('verdicts per capability set (the helper drops capabilities before loading libbpf)', () => {
  const helpers: HelperClient[] = [];
  const helper = (capabilities: 'full' | 'bpf' | 'bpf+perfmon') => {
    const h = new HelperClient({ helperPath: path.join(DIST, 'helper.js'), capabilities });
    helpers.push(h);
    return h;
  };
  let object: string;
  before(async () => { object = (await buildBpfSource(CAP_DEPENDENT)).object; });
  after(async () => { for (const h of helpers) await h.close(); });

  it('CAP_BPF alone: the helper really runs with only CAP_BPF', async () => {
    const hello = await helper('bpf').hello();
    assert.equal(BigInt(`0x${hello.capEff}`), 1n << 39n);
  });

  it('CAP_BPF alone rejects the uninitialised padding that CAP_PERFMON allows', async () => {
    const bpf = await verifyObject(helper('bpf'), CAP_DEPENDENT);
    const p = bpf.report.programs[0];
    assert.equal(p.verdict, 'rejected');
    assert.match(p.message ?? '', /invalid read from stack/);
    assert.equal(p.explanation?.id, 'uninit-stack');
    assert.equal(p.location?.line, rejectMarker(CAP_DEPENDENT, 'cap_dependent')?.line);
    for (const caps of ['full', 'bpf+perfmon'] as const) {
      const ok = await helper(caps).verify({ path: object, program: 'cap_dependent', logLevel: 1 });
      assert.equal(ok.errno, 0, `accepted with ${caps}`);
    }
  });

  it('an XDP program without CAP_NET_ADMIN is an error verdict that says which capabilities are missing', async () => {
    const run = await verifyObject(helper('bpf'), examplePath('count_ok'));
    const p = run.report.programs[0];
    assert.deepEqual([p.verdict, p.errnoName], ['error', 'EPERM']);
    assert.match(p.message ?? '', /lacks CAP_NET_ADMIN/); // only what is missing (issue 15)
  });

  it('an unknown capability set is refused', async () => {
    const h = new HelperClient({ helperPath: path.join(DIST, 'helper.js'), capabilities: 'root' as never });
    helpers.push(h);
    await assert.rejects(h.hello(), (e: Error & { code?: string }) => e.code === 'usage' && /Unknown capability set 'root'/.test(e.message));
  });
});
