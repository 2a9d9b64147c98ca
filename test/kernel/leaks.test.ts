import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { examplePath } from '../support/examples';
import { DIST, REPO } from '../support/paths';

const CYCLES = 2000;

describe('the helper leaks nothing over 2,000 verify cycles', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  const objects: Record<string, string> = {};
  before(async () => {
    for (const n of ['count_ok', 'null_deref', 'subprog_reject']) objects[n] = (await buildBpfSource(examplePath(n))).object;
    objects.loop = (await buildBpfSource(path.join(REPO, 'bench', 'programs', 'loop_log.bpf.c'), { extraArgs: ['-DLOOP_ITERS=1000'] })).object;
    objects.junk = path.join(os.tmpdir(), `ebpf-leak-junk-${process.pid}.o`);
    writeFileSync(objects.junk, 'not an object');
  });
  after(() => helper.close());

  it('accepted, rejected, huge-log and malformed objects: no program, map, BTF object or pin left; fd count flat', { timeout: 600_000 }, async () => {
    const before = await kernelObjectsQuiet();
    const { pid } = await helper.hello();
    const fds = () => readdirSync(`/proc/${pid}/fd`).length;
    let warmFds = -1;
    const tally = { accepted: 0, rejected: 0, huge: 0, malformed: 0 };
    for (let i = 0; i < CYCLES; i++) {
      if (i === 50) warmFds = fds(); // after libbpf's feature probes and the lazily made log buffer
      const kind = i % 40 === 39 ? 'huge' : i % 10 === 9 ? 'malformed' : i % 2 === 0 ? 'accepted' : 'rejected';
      if (kind === 'malformed') {
        await assert.rejects(helper.verify({ path: objects.junk, program: 'x', logLevel: 1 }), { code: 'not-an-object' });
      } else if (kind === 'huge') {
        const out = await helper.verify({ path: objects.loop, program: 'loop_log', logLevel: 2 });
        assert.ok(out.logBytes > 5_000_000 && out.errno === 13);
      } else if (kind === 'accepted') {
        assert.equal((await helper.verify({ path: objects.count_ok, program: 'count_ok', logLevel: 1 })).errno, 0);
      } else {
        const name = i % 4 === 1 ? 'null_deref' : 'subprog_reject';
        assert.equal((await helper.verify({ path: objects[name], program: name, logLevel: 1 })).errno, 13);
      }
      tally[kind]++;
    }
    const endFds = fds();
    assert.equal(endFds, warmFds, `helper fds after cycle 50: ${warmFds}, after ${CYCLES}: ${endFds}`);
    assert.deepEqual(await kernelObjectsSettled(before), before, 'nothing left in the kernel or in bpffs');
    console.log(`leak test: ${JSON.stringify(tally)}, helper fds ${warmFds} -> ${endFds}`);
  });
});
