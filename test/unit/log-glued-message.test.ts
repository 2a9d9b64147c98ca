/**
 * Errors a level-1 rewind glues to an instruction's line. pop_stack rewinds the log to where the popped branch was
 * pushed: 1 byte past the branch line's old newline, which print_insn_state had turned into the `;` padding. What
 * the verifier prints for that branch before its first state (do_check's checks at the top of its loop, then
 * is_state_visited's) lands after the branch's disassembly. The shapes are those of real 6.18 logs
 * (test/programs/slow/clamp_loop.bpf.c and glued_infinite_loop.bpf.c; test/kernel/log-glued-message.test.ts
 * loads them).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hotLines, isComplexityReject } from '../../core/verifier-log/causal/hot-lines';
import { rejectWhy } from '../../core/verifier-log/causal/why';
import { parseInsnLine } from '../../core/verifier-log/insn-line';
import { analyzeLog, summarizeLog } from '../../core/verifier-log/parse';
import { logVerdict } from '../../core/verifier-log/summary';

/** The first 39 lines of clamp_loop's level-1 log on 6.18: the program up to the loop's first iteration. */
const CLAMP_HEAD = [
  '0: R1=ctx() R10=fp0',
  '; int clamp_loop(struct xdp_md *ctx) @ clamp_loop.bpf.c:17',
  '0: (b7) r1 = 0                        ; R1=0',
  '; __u32 key = 0; @ clamp_loop.bpf.c:19',
  '1: (63) *(u32 *)(r10 -4) = r1         ; R1=0 R10=fp0 fp-8=0000????',
  '2: (bf) r2 = r10                      ; R2=fp0 R10=fp0',
  ';  @ clamp_loop.bpf.c:0',
  '3: (07) r2 += -4                      ; R2=fp-4',
  '; __u64 *v = bpf_map_lookup_elem(&rj_acc, &key); @ clamp_loop.bpf.c:20',
  '4: (18) r1 = 0xffff8881bf926e00       ; R1=map_ptr(map=rj_acc,ks=4,vs=8)',
  '6: (85) call bpf_map_lookup_elem#1    ; R0=map_value(map=rj_acc,ks=4,vs=8)',
  '7: (bf) r6 = r0                       ; R0=map_value(map=rj_acc,ks=4,vs=8) R6=map_value(map=rj_acc,ks=4,vs=8)',
  '; __u32 n = bpf_get_prandom_u32(); @ clamp_loop.bpf.c:21',
  '8: (85) call bpf_get_prandom_u32#7    ; R0=scalar()',
  '9: (bf) r1 = r0                       ; R0=scalar(id=1) R1=scalar(id=1)',
  '10: (67) r1 <<= 32                    ; R1=scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))',
  '11: (77) r1 >>= 32                    ; R1=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))',
  '12: (b7) r2 = 16                      ; R2=16',
  '; if (n > 16) @ clamp_loop.bpf.c:23',
  '13: (2d) if r2 > r1 goto pc+1 15: R0=scalar(id=1) R1=scalar(smin=smin32=0,smax=umax=smax32=umax32=15,var_off=(0x0; 0xf)) R2=16 R6=map_value(map=rj_acc,ks=4,vs=8) R10=fp0 fp-8=0000????',
  '; if (!v) @ clamp_loop.bpf.c:25',
  '15: (15) if r6 == 0x0 goto pc+15      ; R6=map_value(map=rj_acc,ks=4,vs=8)',
  '16: (bf) r1 = r0                      ; R0=scalar(id=1) R1=scalar(id=1)',
  '17: (67) r1 <<= 32                    ; R1=scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))',
  '18: (77) r1 >>= 32                    ; R1=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))',
  '19: (15) if r1 == 0x0 goto pc+11      ; R1=scalar(smin=umin=umin32=1,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))',
  '20: (b7) r1 = 0                       ; R1=0',
  '; __sync_fetch_and_add(v, 1); @ clamp_loop.bpf.c:28',
  '21: (b7) r2 = 1                       ; R2=1',
  '22: (db) lock *(u64 *)(r6 +0) += r2   ; R2=1 R6=map_value(map=rj_acc,ks=4,vs=8)',
  '; for (__u32 i = 0; i < n; i++) /* the loop */ @ clamp_loop.bpf.c:27',
  '23: (bf) r2 = r0                      ; R0=scalar(id=1) R2=scalar(id=1)',
  '24: (67) r2 <<= 32                    ; R2=scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))',
  '25: (77) r2 >>= 32                    ; R2=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))',
  '26: (07) r1 += 1                      ; R1=1',
  '27: (bf) r3 = r1                      ; R1=1 R3=1',
  '28: (67) r3 <<= 32                    ; R3=0x100000000',
  '29: (77) r3 >>= 32                    ; R3=1',
  '30: (2d) if r2 > r3 goto pc-10        ; R0=scalar(id=1) R1=1 R2=scalar(smin=umin=umin32=2,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R3=1 R6=map_value(map=rj_acc,ks=4,vs=8) R10=fp0 fp-8=0000????',
];

const hex = (n: number) => `0x${n.toString(16)}`;

/** Iteration `i` of the loop after the first, as 6.18 prints it (i >= 2); `glued` ends it the way the real log ends. */
function iteration(i: number, glued: string | null): string[] {
  const r2 = 'R2=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))';
  const lines = [
    '; __sync_fetch_and_add(v, 1); @ clamp_loop.bpf.c:28',
    '21: (b7) r2 = 1                       ; R2=1',
    '22: (db) lock *(u64 *)(r6 +0) += r2   ; R2=1 R6=map_value(map=rj_acc,ks=4,vs=8)',
    '; for (__u32 i = 0; i < n; i++) /* the loop */ @ clamp_loop.bpf.c:27',
    '23: (bf) r2 = r0                      ; R0=scalar(id=1) R2=scalar(id=1)',
    '24: (67) r2 <<= 32                    ; R2=scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))',
    `25: (77) r2 >>= 32                    ; ${r2}`,
    `26: (07) r1 += 1                      ; R1=${hex(i)}`,
    `27: (bf) r3 = r1                      ; R1=${hex(i)} R3=${hex(i)}`,
    `28: (67) r3 <<= 32                    ; R3=${hex(i)}00000000`,
    `29: (77) r3 >>= 32                    ; R3=${hex(i)}`,
  ];
  const branch = '30: (2d) if r2 > r3 goto pc-10';
  lines.push(glued !== null ? `${branch} ${glued}` : `${branch}        ; R0=scalar(id=1) R1=${hex(i)} R2=scalar(smin=umin=umin32=${hex(i + 1)},smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R3=${hex(i)} R6=map_value(map=rj_acc,ks=4,vs=8) R10=fp0 fp-8=0000????`);
  return lines;
}

const TOO_LARGE = 'BPF program is too large. Processed 1000001 insn';
const STATS = ['verification time 1254052 usec', 'stack depth 8', 'processed 1000001 insns (limit 1000000) max_states_per_insn 4 total_states 9575 peak_states 9572 mark_read 0'];

/** clamp_loop's log, shortened to `iterations` loops: its last line before the stats is the glued one. */
function clampLoopLog(iterations: number, glued: string): string {
  const body: string[] = [];
  for (let i = 2; i < iterations; i++) body.push(...iteration(i, null));
  return [...CLAMP_HEAD, ...body, ...iteration(iterations, glued), ...STATS].join('\n');
}

describe('an error glued to the branch line by a level-1 rewind', () => {
  it('clamp_loop (6.18): the too-large message is the reject, at the loop branch, with the loop\'s lines hot', () => {
    const { index, summary } = analyzeLog(clampLoopLog(40, TOO_LARGE));
    assert.deepEqual(summary.messageLines, [TOO_LARGE]);
    assert.equal(logVerdict(summary), 'rejected');
    assert.equal(summary.insn, 30);
    assert.equal(summary.insnText, 'if r2 > r3 goto pc-10');
    assert.deepEqual(summary.source, { text: 'for (__u32 i = 0; i < n; i++) /* the loop */', file: 'clamp_loop.bpf.c', line: 27 });
    assert.equal(summary.explanation?.id, 'too-large');
    assert.equal(summary.stats.processedInsns, 1000001);
    assert.deepEqual(summary.path.slice(-10), [21, 22, 23, 24, 25, 26, 27, 28, 29, 30], 'the path ends with the loop body');
    assert.ok(isComplexityReject(summary.messageLines));
    const why = rejectWhy(index, summary);
    assert.deepEqual(why.hotLines.slice(0, 2).map((h) => h.line), [27, 28], JSON.stringify(why.hotLines));
    assert.equal(why.hotLines[0].insns, 8 * 40, 'insns 23-30 of each of the 40 iterations are on line 27');
    assert.match(why.suggestion ?? '', /^most of the work is at line 27 /);
  });

  it('the same log without the glued message is no reject (the parser does not make one up)', () => {
    const s = summarizeLog(clampLoopLog(5, '').replace(/goto pc-10 \n/, 'goto pc-10\n'));
    assert.deepEqual(s.messageLines, []);
    assert.equal(s.insn, null);
    assert.equal(logVerdict(s), 'accepted');
  });

  it('the other texts the kernel prints before a popped branch\'s state: invalid insn idx, verifier bug', () => {
    for (const message of ['invalid insn idx 33 insn_cnt 33', 'verifier bug: backtracking call unexpected regs 1 (1)']) {
      const s = summarizeLog(clampLoopLog(4, message));
      assert.deepEqual(s.messageLines, [message]);
      assert.equal(s.insn, 30);
      assert.equal(s.insnText, 'if r2 > r3 goto pc-10');
      assert.equal(logVerdict(s), 'rejected');
    }
  });

  it('glued_infinite_loop (6.18): `infinite loop detected` on the branch line, `cur state:` / `old state:` after it', () => {
    const log = [
      "Global function glued_infinite_loop() doesn't return scalar. Only those are supported.",
      '0: R1=ctx() R10=fp0',
      '; asm volatile ( @ glued_infinite_loop.bpf.c:11',
      '0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()',
      '1: (45) if r0 & 0x3 goto pc-1 1: R0=scalar() R10=fp0',
      '1: (45) if r0 & 0x3 goto pc-1 1: R0=scalar() R10=fp0',
      '1: (45) if r0 & 0x3 goto pc-1 infinite loop detected at insn 1',
      'cur state: R0=scalar() R10=fp0',
      'old state: R0=scalar() R10=fp0',
      'processed 11 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0',
    ].join('\n');
    const { index, summary } = analyzeLog(log);
    assert.deepEqual(summary.messageLines, ['infinite loop detected at insn 1']);
    assert.equal(summary.insn, 1);
    assert.equal(summary.insnText, 'if r0 & 0x3 goto pc-1');
    assert.equal(logVerdict(summary), 'rejected');
    assert.equal(summary.source?.line, 11);
    assert.deepEqual(hotLines(index).map((h) => [h.line, h.insns]), [[11, 4]]);
  });

  it('is_state_visited\'s source annotation before `infinite loop detected` glued instead: a source, not a state', () => {
    const log = [
      '0: R1=ctx() R10=fp0',
      '; for (;;) { @ loop.bpf.c:9',
      '0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()',
      '1: (45) if r0 & 0x3 goto pc-1 ; for (;;) { @ loop.bpf.c:9',
      'infinite loop detected at insn 1',
      'cur state: R0=scalar() R10=fp0',
      'old state: R0=scalar() R10=fp0',
      'processed 11 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0',
    ].join('\n');
    const s = summarizeLog(log);
    assert.deepEqual(s.messageLines, ['infinite loop detected at insn 1']);
    assert.equal(s.insnText, 'if r0 & 0x3 goto pc-1');
    assert.deepEqual(s.source, { text: 'for (;;) {', file: 'loop.bpf.c', line: 9 });
    const p = parseInsnLine('1: (45) if r0 & 0x3 goto pc-1 ; for (;;) { @ loop.bpf.c:9')!;
    assert.equal(p.state, null, 'no register state is read from the source text');
    assert.equal(p.gluedSource, '; for (;;) { @ loop.bpf.c:9');
  });
});

describe('instruction lines that carry no glued error', () => {
  it('a state suffix (padding then registers) and a glued popped state stay what they were', () => {
    const suffix = parseInsnLine('6: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1,map=m,ks=4,vs=8)')!;
    assert.equal(suffix.text, 'call bpf_map_lookup_elem#1');
    assert.equal(suffix.state, ' R0=map_value_or_null(id=1,map=m,ks=4,vs=8)');
    assert.equal(suffix.gluedMessage, null);
    assert.equal(suffix.gluedSource, null);
    const popped = parseInsnLine(CLAMP_HEAD.find((l) => l.startsWith('13: '))!)!;
    assert.equal(popped.text, 'if r2 > r1 goto pc+1');
    assert.equal(popped.glued?.insn, 15);
    assert.equal(popped.gluedMessage, null);
  });

  it('text after a branch that is no kernel message is left in the instruction (no reject is made of it)', () => {
    const p = parseInsnLine('30: (2d) if r2 > r3 goto pc-10 too large')!;
    assert.equal(p.gluedMessage, null);
    assert.equal(p.text, 'if r2 > r3 goto pc-10 too large');
  });

  it('a branch line left with the rewind\'s one space (the popped branch printed `\\nfrom … safe`) has no trailing blank', () => {
    assert.equal(parseInsnLine('30: (2d) if r2 > r3 goto pc-10 ')!.text, 'if r2 > r3 goto pc-10');
  });
});
