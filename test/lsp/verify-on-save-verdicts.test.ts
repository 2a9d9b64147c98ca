import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXAMPLES } from '../support/paths';
import { startVerifySession, type VerifySession } from '../support/verify-session';

const rejected = readFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), 'utf8');
const fixed = rejected.replace('\t*count += 1;', '\tif (!count)\n\t\treturn XDP_PASS;\n\t*count += 1;');

/** Verify on save tells the editor each verdict's whole report (ebpf/verdicts), for the client's verdict store. */
describe('verify on save: the ebpf/verdicts notification (dist/server.js, real clang and kernel)', () => {
  let s: VerifySession;
  before(async () => {
    s = await startVerifySession({ configuration: true });
  });
  after(() => s.close());

  it('sends the report after each verdict, its source the saved .bpf.c; again when the unchanged object is saved again', async () => {
    const f = path.join(s.workspace, 'null_deref.bpf.c');
    copyFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), f);
    await s.open(f);
    let from = s.statuses.length;
    await s.save(f);
    await s.verdictAfter(from, f);
    const first = s.verdicts.at(-1);
    assert.ok(first, 'a verdicts notification');
    assert.equal(first.report.source, f, 'the unit is the saved source, not the object verify on save built');
    const [p] = first.report.programs;
    assert.deepEqual([p.name, p.verdict, p.explanation?.id], ['null_deref', 'rejected', 'null-deref']);
    assert.ok((p.causalPath ?? []).length > 0, 'the causal path travels with it');

    // saved again unchanged: not verified again, but the store hears of it again (it is the newest verdict now)
    const count = s.verdicts.length;
    from = s.statuses.length;
    await s.save(f);
    await s.verdictAfter(from, f);
    assert.equal(s.verdicts.length, count + 1);
    assert.equal(s.verdicts.at(-1)!.report.programs[0].verdict, 'rejected');

    writeFileSync(f, fixed);
    from = s.statuses.length;
    await s.save(f);
    await s.verdictAfter(from, f);
    assert.deepEqual(s.verdicts.at(-1)!.report.programs.map((x) => [x.name, x.verdict]), [['null_deref', 'accepted']]);
  });
});
