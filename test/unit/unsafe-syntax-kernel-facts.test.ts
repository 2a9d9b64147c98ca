import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { describe, it } from 'node:test';
import { readKernelFacts } from '../../core/analyze/kernel-facts';

describe('the running kernel\'s attach targets (core/analyze/kernel-facts.ts)', () => {
  it('reads functions, LSM hooks and raw tracepoints from /sys/kernel/btf/vmlinux', { skip: !existsSync('/sys/kernel/btf/vmlinux') && 'no kernel BTF' }, () => {
    const k = readKernelFacts()!;
    assert.equal(k.release, os.release());
    assert.equal(k.hasFunction('vfs_read'), true);
    assert.equal(k.hasFunction('bpf_lsm_file_open'), true);
    assert.equal(k.hasFunction('no_such_kernel_function_xyz'), false);
    assert.equal(k.hasRawTracepoint?.('sched_switch'), true);
    assert.equal(k.hasRawTracepoint?.('sched_switch_v2'), false);
    // kallsyms lists functions BTF lacks; unreadable, it answers undefined (the rules then stay quiet)
    assert.ok([true, undefined].includes(k.hasSymbol?.('vfs_read')));
    // tracefs is often not mounted: then undefined, never a guess
    const tp = k.hasTracepoint?.('sched', 'sched_switch');
    assert.ok(tp === true || tp === undefined);
    if (tp === true) assert.equal(k.hasTracepoint?.('sched', 'no_such_event_xyz'), false);
    assert.equal(readKernelFacts()!.hasFunction('vfs_write'), true);
  });
});
