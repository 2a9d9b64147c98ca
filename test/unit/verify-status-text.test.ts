import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyStatusText } from '../../client/verify-status-text';

describe('verify-on-save status bar text', () => {
  it('says the last verdict, progress while building and verifying, and why it failed', () => {
    assert.equal(verifyStatusText({ state: 'done', source: '/w/x.bpf.c', verified: 3, rejected: 1, ms: 240 }).text, '$(error) eBPF: 3 verified, 1 rejected · 240 ms');
    assert.equal(verifyStatusText({ state: 'done', source: '/w/x.bpf.c', verified: 2, rejected: 0, ms: 81 }).text, '$(check) eBPF: 2 verified, 0 rejected · 81 ms');
    assert.equal(verifyStatusText({ state: 'building', source: '/w/x.bpf.c' }).text, '$(sync~spin) eBPF: building x.bpf.c');
    assert.equal(verifyStatusText({ state: 'verifying', source: '/w/x.bpf.c' }).text, '$(sync~spin) eBPF: verifying x.bpf.c');
    const failed = verifyStatusText({ state: 'failed', source: '/w/x.bpf.c', message: 'clang failed to build /w/x.bpf.c: x' });
    assert.deepEqual(failed, { text: '$(error) eBPF: x.bpf.c not verified', tooltip: 'clang failed to build /w/x.bpf.c: x' });
  });
});
