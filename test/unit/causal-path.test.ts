/**
 * The causal path and hot lines over saved logs: the kernel-matrix fixtures (5.10 to 7.3, levels 1 and 2; the old
 * ones print no `@ file:line`, so the origin is found by its annotation text here and through line_info in
 * test/kernel/causal-path.test.ts), the 7.3 kernel's own report, and synthetic logs for the instruction forms.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeLog } from '../../core/verifier-log/parse';
import { causalPath, sameSourceFile } from '../../core/verifier-log/causal/causal-path';
import { assignedName } from '../../core/verifier-log/causal/describe';
import { hotLines } from '../../core/verifier-log/causal/hot-lines';
import { insnEffect } from '../../core/verifier-log/causal/insn-effect';
import { rejectWhy } from '../../core/verifier-log/causal/why';
import { MATRIX_KERNELS, matrixBlock } from '../support/kernel-matrix';
import { KERNEL_MATRIX } from '../support/paths';
import { lineOf } from '../support/programs';

/** The 1-based line of `source` whose text matches `re`. */
describe('causal path over the kernel-matrix logs (5.10 to 7.3)', () => {
  for (const kernel of MATRIX_KERNELS) {
    for (const level of [1, 2] as const) {
      for (const program of ['nullcheck', 'nullcheck_hash']) {
        it(`${program} on ${kernel} at level ${level}: the origin is the map lookup`, (t) => {
          const { index, summary } = analyzeLog(matrixBlock(level, kernel, program));
          if (summary.messageLines.length === 0 && !summary.prose) return t.skip('accepted on this kernel');
          const steps = causalPath(index, summary, { ignoreKernelReport: true });
          const origin = steps.find((s) => s.role === 'origin');
          assert.ok(origin, `an origin step in ${JSON.stringify(steps)}`);
          assert.match(origin.text, /bpf_map_lookup_elem\(&counters, &key\)/);
          assert.match(origin.detail, /^R0 = map_value_or_null.*from bpf_map_lookup_elem\(&counters\)$/);
          if (origin.line !== null) { // 6.9+ logs carry `@ file:line`
            assert.equal(origin.line, lineOf(path.join(KERNEL_MATRIX, 'programs', `${program}.bpf.c`), /= bpf_map_lookup_elem\(/));
          }
        });
      }
    }
  }

  it('7.3: the kernel\'s own causal path is kept in its words, and ours names the same origin line', () => {
    for (const level of [1, 2] as const) {
      const { index, summary } = analyzeLog(matrixBlock(level, '7.3-cloud.txt', 'nullcheck_hash'));
      const kernel = causalPath(index, summary);
      assert.equal(kernel.length, 1);
      assert.deepEqual({ ...kernel[0], detail: undefined }, { insn: 6, file: 'nullcheck_hash.bpf.c', line: 16, column: 15, text: '__u64 *val = bpf_map_lookup_elem(&counters, &key);', role: 'origin', detail: undefined });
      assert.equal(kernel[0].detail, 'R0 changed from uninitialized value to nullable map value from counters at offset 0');
      const ours = causalPath(index, summary, { ignoreKernelReport: true });
      assert.deepEqual(ours.filter((s) => s.role === 'origin').map((s) => s.line), kernel.map((s) => s.line));
      assert.match(rejectWhy(index, summary).suggestion!, /Add a NULL check/, 'the kernel\'s suggestion is kept');
    }
  });
});

const log = (lines: string[]) => lines.join('\n') + '\n';

describe('causal path on the instruction forms', () => {
  it('through a spill and a fill, a mask and a branch: the origin is the read, the mask and the check are on the path', () => {
    const { index, summary } = analyzeLog(log([
      '0: R1=ctx() R10=fp0',
      '; __u32 q = ctx->rx_queue_index; @ p.bpf.c:10',
      '0: (61) r2 = *(u32 *)(r1 +16)         ; R1=ctx() R2=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))',
      '1: (7b) *(u64 *)(r10 -8) = r2         ; R2=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R10=fp0 fp-8=scalar()',
      '; x = bpf_get_prandom_u32(); @ p.bpf.c:11',
      '2: (85) call bpf_get_prandom_u32#7    ; R0=scalar()',
      '; idx = q & 7; @ p.bpf.c:12',
      '3: (79) r3 = *(u64 *)(r10 -8)         ; R3=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R10=fp0',
      '4: (57) r3 &= 7                       ; R3=scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))',
      '; if (idx > 5) @ p.bpf.c:13',
      '5: (25) if r3 > 0x5 goto pc+2         ; R3=scalar(smin=smin32=0,smax=umax=smax32=umax32=5,var_off=(0x0; 0x7))',
      '; return arr[idx]; @ p.bpf.c:14',
      '6: (bf) r4 = r3                       ; R3=scalar(smin=smin32=0,smax=umax=smax32=umax32=5,var_off=(0x0; 0x7)) R4=scalar(smin=smin32=0,smax=umax=smax32=umax32=5,var_off=(0x0; 0x7))',
      '7: (79) r0 = *(u64 *)(r4 +0)',
      'R4 invalid mem access \'scalar\'',
      'processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0',
    ]));
    const steps = causalPath(index, summary);
    assert.deepEqual(steps.map((s) => [s.line, s.role]), [[10, 'origin'], [12, 'transform'], [13, 'branch'], [14, 'transform']]);
    assert.match(steps[0].detail, /R2 = a scalar in \[0, 4294967295\], read from ctx \+ 16/);
    assert.match(steps[1].detail, /R3 = a scalar in \[0, 7\] after `& 7`/);
    assert.match(steps[2].detail, /on this path R3 is a scalar in \[0, 5\]/);
  });

  it('names what each printed instruction reads and writes', () => {
    assert.deepEqual(insnEffect('r1 = *(u32 *)(r6 +12)'), { kind: 'load', dst: 1, base: 6, off: 12, size: 4 });
    assert.deepEqual(insnEffect('*(u64 *)(r10 -8) = r1'), { kind: 'store', base: 10, off: -8, size: 8, src: 1, imm: null });
    assert.deepEqual(insnEffect('w1 = w2'), { kind: 'move', dst: 1, src: 2 });
    assert.deepEqual(insnEffect('r1 s>>= 3'), { kind: 'alu', dst: 1, op: 's>>', src: null, imm: '3' });
    assert.deepEqual(insnEffect('if r3 > r2 goto pc+7'), { kind: 'branch', regs: [3, 2], text: 'if r3 > r2 goto pc+7' });
    assert.deepEqual(insnEffect('call pc+11'), { kind: 'call', name: 'pc+11', subprogram: true });
    assert.deepEqual(insnEffect('r1 = 0xffff8881d89ec800'), { kind: 'const', dst: 1, text: '0xffff8881d89ec800' });
  });
});

describe('hot lines of a complexity reject', () => {
  it('a loop rejected as too large has the loop\'s lines on top, busiest first', () => {
    const body: string[] = ['0: R1=ctx() R10=fp0', '; int i = 0; @ loop.bpf.c:5', '0: (b7) r1 = 0                        ; R1=0'];
    for (let it = 0; it < 300; it++) {
      body.push('; for (; i < n; i++) @ loop.bpf.c:7', `1: (07) r1 += 1                       ; R1=${it + 1}`, `2: (2d) if r1 > r2 goto pc+2           ; R1=${it + 1}`);
      body.push('; sum += i; @ loop.bpf.c:8', '3: (0f) r3 += r1                      ; R3=scalar()', '4: (05) goto pc-4');
    }
    body.push('BPF program is too large. Processed 1000001 insn', 'processed 1000001 insns (limit 1000000) max_states_per_insn 4 total_states 100 peak_states 100 mark_read 0');
    const { index, summary } = analyzeLog(log(body));
    const hot = hotLines(index);
    assert.deepEqual(hot.map((h) => [h.line, h.insns]), [[7, 600], [8, 600], [5, 1]]);
    const why = rejectWhy(index, summary);
    assert.deepEqual(why.causalPath, [], 'no causal path for a complexity reject');
    assert.match(why.suggestion!, /line 7 \(600 instructions\)/);
  });
});

describe('the causal path names the value that failed, and only what it can prove', () => {
  const mapIndexLog = (valueSize: number) => log([
    '0: R1=ctx() R6=ctx() R10=fp0',
    '; struct val *s = bpf_map_lookup_elem(&m, &k); @ p.bpf.c:9',
    '0: (85) call bpf_map_lookup_elem#1     ; R0=map_value(map=m,ks=4,vs=32)',
    '; __u32 idx = ctx->rx_queue_index & 7; @ p.bpf.c:10',
    '1: (61) r2 = *(u32 *)(r6 +16)         ; R2=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R6=ctx()',
    '2: (57) r2 &= 7                       ; R2=scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))',
    '; return s->v[idx]; @ p.bpf.c:11',
    '3: (67) r2 <<= 3                      ; R2=scalar(smin=smin32=0,smax=umax=smax32=umax32=56,var_off=(0x0; 0x38))',
    '4: (0f) r0 += r2                      ; R0=map_value(map=m,ks=4,vs=32,smin=smin32=0,smax=umax=smax32=umax32=56,var_off=(0x0; 0x38))',
    '5: (79) r0 = *(u64 *)(r0 +0)',
    `invalid access to map value, value_size=${valueSize} off=56 size=8`,
    'R0 max value is outside of the allowed memory range',
    'processed 6 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0',
  ]);

  it('a mask on the load\'s line: the mask, which gave the range, is the step kept; the fix clamps the index by name', () => {
    const { index, summary } = analyzeLog(mapIndexLog(32));
    const why = rejectWhy(index, summary, { section: 'xdp' });
    assert.deepEqual(why.causalPath.map((s) => [s.line, s.role]), [[9, 'origin'], [10, 'transform'], [11, 'transform']]);
    assert.equal(why.causalPath[1].detail, 'R2 = a scalar in [0, 7] after `& 7`; the map value has 4 slots of 8 bytes');
    assert.equal(why.suggestion, 'clamp `idx` to 3 before line 11 (after `& 7` at line 10 it can be 7; the map value has 4 slots of 8 bytes): `if (idx > 3) return XDP_PASS;`');
  });

  it('no slot count or clamp when the numbers do not say the bound is what failed', () => {
    // value_size=64 fits index 7: this bound is not the reason, so nothing is said about it
    const { index, summary } = analyzeLog(mapIndexLog(64));
    const why = rejectWhy(index, summary, { section: 'xdp' });
    assert.ok(why.causalPath.every((s) => !/slots|fits/.test(s.detail)), JSON.stringify(why.causalPath));
    assert.doesNotMatch(why.suggestion ?? '', /clamp/);
    assert.equal(why.suggestion, 'bound `idx` (set at line 10) before line 11: `if (idx >= LEN) return XDP_PASS;`', 'the index, not the map pointer');
  });

  it('one source file, two names: the log\'s relative one and line_info\'s absolute one', () => {
    assert.ok(sameSourceFile('/src/prog/variable-offset_stack.bpf.c', 'variable-offset_stack.bpf.c'));
    assert.ok(sameSourceFile('sub/p.bpf.c', '/w/sub/p.bpf.c'));
    assert.ok(!sameSourceFile('/w/a/p.bpf.c', '/w/b/p.bpf.c'));
    assert.ok(!sameSourceFile('/w/xp.bpf.c', 'p.bpf.c'), 'a suffix of the name is not the file');
    assert.ok(!sameSourceFile(null, 'p.bpf.c'));
  });

  it('the name a line gives its value: not a member it stores to, not a register in asm', () => {
    assert.equal(assignedName('__u64 *v = find(ctx->rx_queue_index);'), 'v');
    assert.equal(assignedName('s->packets += 1;'), null);
    assert.equal(assignedName('s->v[idx] += 1;'), null);
    assert.equal(assignedName('asm volatile ("r1 = %[map] ll; call %[lookup];" :: [map] "i"(&m));'), null);
  });
});
