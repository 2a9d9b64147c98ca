import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressMessage, progressPercent, verdictSummary } from '../../core/verify/progress-text';
import type { ObjectReport, ProgramReport } from '../../core/verify/report';
import type { VerifyProgress } from '../../core/verify/verify-object';

function program(name: string, verdict: ProgramReport['verdict'], message: string | null = null, line?: number): ProgramReport {
  return { name, verdict, message, location: line ? { file: '/w/x.bpf.c', line, column: null } : null } as ProgramReport;
}

describe('the Verify command\'s progress and output-channel words', () => {
  it('says the phase: the build, how many programs, which one of how many', () => {
    assert.equal(progressMessage({ phase: 'building', source: '/w/null_deref.bpf.c' }), 'building null_deref.bpf.c');
    assert.equal(progressMessage({ phase: 'verifying', object: '/c/x.o', total: 3 }), 'verifying 3 programs');
    assert.equal(progressMessage({ phase: 'verifying', object: '/c/x.o', total: 1 }), 'verifying 1 program');
    assert.equal(progressMessage({ phase: 'program', name: 'xdp_prog', index: 2, total: 3 }), 'program 2 of 3: xdp_prog');
  });

  it('moves the bar forward only', () => {
    const steps: VerifyProgress[] = [{ phase: 'building', source: 'x.bpf.c' }, { phase: 'verifying', object: 'x.o', total: 3 },
      ...[1, 2, 3].map((index) => ({ phase: 'program' as const, name: `p${index}`, index, total: 3 }))];
    const percents = steps.map((s) => progressPercent(s));
    assert.deepEqual(percents, [0, 10, 10, 40, 70]);
  });

  it('sums the run up with each program that did not verify, its message and line', () => {
    const report = { object: '/c/x.bpf.o', source: '/w/x.bpf.c', kernel: '6.18.0', programs: [program('ok', 'accepted'), program('bad', 'rejected', "R0 invalid mem access 'map_value_or_null'", 21)] } as ObjectReport;
    assert.equal(verdictSummary(report, 240), "verified x.bpf.c in 240 ms on 6.18.0: 1 of 2 accepted; bad rejected (R0 invalid mem access 'map_value_or_null') at x.bpf.c:21");
    assert.equal(verdictSummary({ ...report, source: null, programs: [program('ok', 'accepted')] }, 5), 'verified x.bpf.o in 5 ms on 6.18.0: 1 of 1 accepted');
  });
});
