/**
 * Rejects whose error the kernel glues to a branch line (a level-1 rewind: see test/unit/log-glued-message.test.ts),
 * made in the running kernel by test/programs/slow/. Each log is checked to end in the glued shape, then reported
 * by programReport, the function `verify` uses: the verdict is rejected (not "error"), with the kernel's message,
 * the branch's instruction and line, and the loop's lines as hot lines.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { loadObjectSourceMap } from '../../core/source-map/object-source-map';
import { programReport } from '../../core/verify/verify-object';
import { DIST, REPO } from '../support/paths';
import { lineOf } from '../support/programs';

const SLOW = path.join(REPO, 'test', 'programs', 'slow');

/** The last instruction line of a log (searched from the end: the log can be 100 MB). */
function lastInsnLine(log: Buffer): string {
  const tail = log.subarray(Math.max(0, log.length - 64 * 1024)).toString('utf8').split('\n');
  return [...tail].reverse().find((l) => /^\d+: \([0-9a-f]{2}\) /.test(l)) ?? '';
}

describe('errors glued to a branch line, made in the running kernel (level 5, as verify runs)', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  after(() => helper.close());

  async function load(name: string) {
    const src = path.join(SLOW, `${name}.bpf.c`);
    const object = (await buildBpfSource(src)).object;
    const out = await helper.verify({ path: object, program: name, logLevel: 5 });
    const log = Buffer.concat(out.log);
    const { report } = programReport(out, [log], [SLOW], loadObjectSourceMap(object).obj);
    return { src, out, log, report };
  }

  it('clamp_loop: rejected E2BIG as too large, at the loop branch, the loop\'s two lines on top', { timeout: 180_000 }, async () => {
    const { src, out, log, report } = await load('clamp_loop');
    assert.equal(out.errno, 7, 'E2BIG');
    assert.match(lastInsnLine(log), /^\d+: \(2d\) if r\d > r\d goto pc-\d+ BPF program is too large\. Processed 1000001 insn$/, 'the kernel glued its message to the branch line');
    assert.equal(report.verdict, 'rejected');
    assert.equal(report.message, 'BPF program is too large. Processed 1000001 insn');
    assert.equal(report.explanation?.id, 'too-large');
    assert.equal(report.insn, Number(/^(\d+):/.exec(lastInsnLine(log))![1]), 'the branch\'s instruction');
    const loop = lineOf(src, /for \(__u32 i = 0; i < n; i\+\+\)/);
    assert.equal(report.location?.line, loop);
    assert.equal(path.resolve(report.location!.file!), src);
    const hot = report.hotLines ?? [];
    assert.deepEqual(hot.slice(0, 2).map((h) => h.line).sort(), [loop, loop + 1], JSON.stringify(hot));
    assert.ok(hot[0].insns > 500_000, `most of the million instructions are on the loop: ${JSON.stringify(hot[0])}`);
    assert.match(report.suggestion ?? '', new RegExp(`^most of the work is at line ${loop} `));
  });

  it('glued_infinite_loop: rejected EINVAL as an infinite loop, at the branch back to itself', async () => {
    const { src, out, log, report } = await load('glued_infinite_loop');
    assert.equal(out.errno, 22, 'EINVAL');
    assert.match(lastInsnLine(log), /^1: \(45\) if r0 & 0x3 goto pc-1 infinite loop detected at insn 1$/, 'the kernel glued its message to the branch line');
    assert.equal(report.verdict, 'rejected');
    assert.equal(report.message, 'infinite loop detected at insn 1');
    assert.equal(report.insn, 1);
    assert.equal(report.location?.line, lineOf(src, /asm volatile/));
    assert.deepEqual((report.hotLines ?? []).map((h) => h.line), [lineOf(src, /asm volatile/)]);
  });
});
