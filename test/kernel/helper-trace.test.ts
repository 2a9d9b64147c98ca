import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { HelperClient, type TraceDirection } from '../../core/loader/helper-client';
import { TRACE_LINE_MAX } from '../../core/loader/trace-summary';
import { verifyObject, type VerifyProgress } from '../../core/verify/verify-object';
import { examplePath } from '../support/examples';
import { DIST, REPO } from '../support/paths';

/** A trace line may exceed the JSON ceiling only by its frame: `#12 verify result after 1.2 MiB of log in 40 chunks: ` and the cut note. */
const LINE_CEILING = TRACE_LINE_MAX + 120;

describe('the helper client\'s trace and the verify run\'s progress, against the running kernel', () => {
  const lines: { direction: TraceDirection; summary: string }[] = [];
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js'), onTrace: (direction, summary) => lines.push({ direction, summary }) });
  after(() => helper.close());

  it('traces each request and reply in one bounded line, the log as a byte count', async () => {
    const steps: VerifyProgress[] = [];
    const run = await verifyObject(helper, examplePath('null_deref'), { logLevel: 2, onProgress: (s) => steps.push(s) });
    const logBytes = run.report.programs[0].logBytes;

    assert.match(lines[0].summary, /^start helper \(direct, pid \d+\): /);
    const sent = lines.filter((l) => l.direction === 'send').map((l) => l.summary);
    assert.deepEqual(sent.map((s) => s.split(' ')[1]), ['hello', 'hello', 'list', 'verify']);
    assert.match(sent[3], /^#\d+ verify \{"path":".*null_deref\.bpf\.o","program":"null_deref","logLevel":2\}$/);
    const verifyReply = lines.find((l) => l.direction === 'recv' && / verify result/.test(l.summary))?.summary ?? '';
    const size = logBytes < 1024 ? `${logBytes} bytes` : `${(logBytes / 1024).toFixed(1)} KiB`;
    assert.ok(verifyReply.includes(` verify result after ${size} of log in `), verifyReply);
    assert.match(verifyReply, /^#\d+ verify result after .* chunks?: \{"program":"null_deref",.*"errno":13/);
    assert.match(lines.find((l) => / hello result/.test(l.summary))?.summary ?? '', /"kernel":"[^"]+"/);

    for (const l of lines) assert.ok(l.summary.length <= LINE_CEILING, `${l.summary.length} chars: ${l.summary.slice(0, 80)}…`);
    // the verifier's walk itself never reaches the trace (its instructions look like `0: (b7) r1 = 0`)
    assert.ok(!lines.some((l) => /\d+: \([0-9a-f]{2}\) /.test(l.summary)), 'no log line in the trace');

    assert.deepEqual(steps.map((s) => s.phase), ['building', 'verifying', 'program']);
    assert.deepEqual(steps[2], { phase: 'program', name: 'null_deref', index: 1, total: 1 });
    assert.equal(steps[0].phase === 'building' && path.basename(steps[0].source), 'null_deref.bpf.c');
  });

  it('a log of megabytes costs the trace a few lines', async () => {
    lines.length = 0;
    const program = path.join(REPO, 'test', 'programs', 'slow', 'three_loops.bpf.c');
    const run = await verifyObject(helper, program, { programName: 'loop_a', logLevel: 2 });
    const logBytes = run.report.programs[0].logBytes;
    assert.ok(logBytes > 1024 * 1024, `a level-2 log of ${logBytes} bytes`);
    const total = lines.reduce((n, l) => n + l.summary.length, 0);
    assert.ok(lines.length <= 8 && total < 4 * LINE_CEILING, `${lines.length} lines, ${total} chars for a ${logBytes}-byte log`);
    assert.match(lines.find((l) => / verify result/.test(l.summary))?.summary ?? '', new RegExp(` after ${(logBytes / 1024 / 1024).toFixed(1).replace('.', '\\.')} MiB of log in \\d+ chunks: `));
  });

  it('a trace listener that throws breaks no request', async () => {
    const throwing = new HelperClient({ helperPath: path.join(DIST, 'helper.js'), onTrace: () => { throw new Error('listener bug'); } });
    try {
      const run = await verifyObject(throwing, examplePath('count_ok'));
      assert.deepEqual(run.report.programs.map((p) => [p.name, p.verdict]), [['count_ok', 'accepted']]);
    } finally {
      await throwing.close();
    }
  });

  it('a cancel stops before the next program\'s load and the run fails with a cancelled error', async () => {
    const steps: VerifyProgress[] = [];
    const abort = new AbortController();
    const program = path.join(REPO, 'test', 'programs', 'multi_prog.bpf.c');
    await assert.rejects(verifyObject(helper, program, {
      signal: abort.signal,
      onProgress: (s) => {
        steps.push(s);
        if (s.phase === 'program' && s.index === 1) abort.abort();
      },
    }), (e: Error & { code?: string }) => e.code === 'cancelled' && /Cancelled/.test(e.message));
    const verifying = steps.find((s) => s.phase === 'verifying');
    assert.ok(verifying && verifying.phase === 'verifying' && verifying.total > 1, 'the object has several programs');
    assert.deepEqual(steps.filter((s) => s.phase === 'program').map((s) => s.phase === 'program' && s.index), [1]);
    // the helper is still usable after the cancel
    assert.equal((await helper.hello()).uid, process.getuid!());
  });
});
