/** The debug adapter's "Why" scope at a reject: the causal path, origin first, each step at its source line. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bugLine, examplePath } from '../support/examples';
import { lineOf } from '../support/programs';
import { adapterPerTest, launchToReject, scopeVariables, topFrame } from './dap-suite';

describe('debug adapter: the Why scope at a reject (real kernel)', () => {
  const adapter = adapterPerTest();

  it('subprog_reject: the lookup, then the call that passed the pointer on, then the suggestion', async () => {
    const trace = await launchToReject(adapter.dc, { program: examplePath('subprog_reject') }, { line: bugLine('subprog_reject') });
    const vars = await scopeVariables(adapter.dc, trace.body.stackFrames[0].id, 'Why');
    const src = examplePath('subprog_reject');
    const file = path.basename(src);
    assert.equal(vars[0].name, `1. origin ${file}:${lineOf(src, /= bpf_map_lookup_elem\(/)}`);
    assert.match(vars[0].value, /^R0 = map_value_or_null \(map stats_map\), from bpf_map_lookup_elem\(&stats_map\)/);
    assert.equal(vars[1].name, `2. call ${file}:${lineOf(src, /account\(s,/)}`);
    assert.match(vars.find((v) => v.name === 'suggestion')?.value ?? '', /check `s` for NULL after line \d+/);
  });

  it('each step is a place to go to, and Jump to Cursor on the origin\'s line steps back to it in one action', async () => {
    const { dc } = adapter;
    const src = examplePath('subprog_reject');
    const lookup = lineOf(src, /= bpf_map_lookup_elem\(/);
    const trace = await launchToReject(dc, { program: src }, { line: bugLine('subprog_reject') });
    const origin = (await scopeVariables(dc, trace.body.stackFrames[0].id, 'Why'))[0];
    assert.ok(origin.valueLocationReference, 'the origin step has a location reference');
    const place = await dc.customRequest('locations', { locationReference: origin.valueLocationReference });
    assert.deepEqual([place.body.source.path, place.body.line], [src, lookup]);

    const targets = (await dc.gotoTargetsRequest({ source: { path: src }, line: lookup })).body.targets;
    assert.match(targets[0]?.label ?? '', /^back to insn \d+/, JSON.stringify(targets));
    await Promise.all([dc.gotoRequest({ threadId: 1, targetId: targets[0].id }), dc.waitForEvent('stopped')]);
    assert.equal((await topFrame(dc)).line, lookup, 'the cursor is back at the origin');
  });
});
