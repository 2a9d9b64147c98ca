import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LINE_KIND_NAMES, classifyLine } from '../../core/verifier-log/line-kind';
import { LogIndex } from '../../core/verifier-log/log-index';
import { summarize } from '../../core/verifier-log/summary';
import { KERNEL_MATRIX } from '../support/paths';

const kindOf = (line: string) => LINE_KIND_NAMES[classifyLine(Buffer.from(line), 0, Buffer.byteLength(line))];

describe('line kinds (one example of each, as kernels 5.10 to 7.3 print them)', () => {
  const table: [string, string][] = [
    ['7: (79) r1 = *(u64 *)(r0 +0)          ; R0=map_value(map=counters,ks=4,vs=8) R1=scalar()', 'insn'],
    ['1: (63) *(u32 *)(r10 -4) = r1', 'insn'],
    ['11: (15) if r2 == 0x3 goto pc+4 16: R0=1 R10=fp0', 'insn'],
    ['0: R1=ctx() R10=fp0', 'state'],
    ['17: frame1: R1=map_value_or_null(id=1,map=stats_map,ks=4,vs=16) R10=fp0', 'state'],
    ['2: R1_w=invP0 R10=fp0 fp-8_w=0000????', 'state'],
    ['12:', 'state'],
    ['from 9 to 15: R0=map_value_or_null(id=1) R10=fp0', 'from'],
    ['from 2 to 4 (speculative execution): R1=0', 'from'],
    ['16: safe', 'safe'],
    ['; *val += 1; @ nullcheck.bpf.c:17', 'source'],
    ['; __u32 key = 0;', 'source'],
    ['func#1 @17', 'func'],
    ['Live regs before insn:', 'live-header'],
    ['      7: 0......... (79) r1 = *(u64 *)(r0 +0)', 'live-row'],
    ['  1  11: 01.3..6... (bf) r2 = r6', 'live-row'],
    ['caller:', 'call-marker'],
    ['callee:', 'call-marker'],
    ['returning from callee:', 'call-marker'],
    ['to caller at 15:', 'call-marker'],
    [' frame1: R1=ctx() R10=fp0', 'frame-state'],
    [' R6=ctx() R10=fp0 fp-8=0000????', 'frame-state'],
    ['Validating read_first() func#1...', 'validating'],
    ["Func#1 ('read_first') is global and assumed valid.", 'global-func'],
    ['mark_precise: frame0: last_idx 1 first_idx 0 subseq_idx -1 ', 'precision'],
    ['mark_precise: frame0: regs=r1 stack= before 0: (b7) r1 = 0', 'precision'],
    ['last_idx 1 first_idx 0', 'precision'],
    ['regs=2 stack=0 before 0: (b7) r1 = 0', 'precision'],
    ['parent didn\'t have regs=4 stack=0 marks:', 'precision'],
    ['frame 0: propagating r1,r2', 'propagating'],
    ['(0) frame 0 insn 6 +live -8 ', 'liveness'],
    ['(0) live stack update done in 2 iterations', 'liveness'],
    ['SCC enter (1) at insn 5', 'scc'],
    ['cur state: R1=0 R10=fp0', 'loop-state'],
    ['processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0', 'stats'],
    ['verification time 95 usec', 'stats'],
    ['stack depth 8+0', 'stats'],
    ['subprog 0 (count_packets) main insns_self 11 insns_total 11 stack 8', 'stats'],
    ['magic: 0xeb9f', 'btf'],
    ["arg#0 reference type('UNKNOWN ') size cannot be determined: -22", 'btf'],
    ['1: <invalid CO-RE relocation>', 'insn'],
    ['[1] STRUCT (anon) size=32 vlen=4', 'btf'],
    ["libbpf: prog 'count_packets': -- BEGIN PROG LOAD LOG --", 'libbpf-begin'],
    ['-- END PROG LOAD LOG --', 'libbpf-end'],
    ["libbpf: prog 'count_packets': failed to load: -13", 'libbpf'],
    ['GO_SYM: main.process+0x28', 'symbol'],
    ['RUST_SYM: prog::run+0x10', 'symbol'],
    ['Verification failed: Register Type Safety: Invalid dereference', 'prose'],
    ['Reason:', 'prose'],
    ['topo_order[0] = count_packets', 'analysis'],
    ['subprog#0: analyzing (depth 0)...', 'analysis'],
    ['stack use/def subprog#0 count_packets (d0,cs0):', 'analysis'],
    ['  6: (85) call bpf_map_lookup_elem#1   ; use: fp0-4h', 'analysis'],
    ["R0 invalid mem access 'map_value_or_null'", 'other'],
    ['invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)', 'other'],
    ['', 'empty'],
  ];
  for (const [line, kind] of table) it(`${kind}: ${line || '(empty)'}`, () => assert.equal(kindOf(line), kind));
});

describe('every line of the kernel-matrix logs is classified', () => {
  for (const level of ['level1', 'level2']) {
    for (const file of readdirSync(path.join(KERNEL_MATRIX, level))) {
      it(`${level}/${file}: only the error lines are left as "other"`, () => {
        const text = readFileSync(path.join(KERNEL_MATRIX, level, file), 'utf8');
        // each `=== BEGIN` block is one bpftool run; index each on its own as a user would paste it
        for (const block of text.split(/^=== BEGIN /m).slice(1)) {
          const ix = new LogIndex(Buffer.from(block.slice(block.indexOf('\n') + 1, block.indexOf('=== END'))));
          if (ix.wrappedBlocks === 0) continue; // the program loaded without a log
          const s = summarize(ix);
          const other: string[] = [];
          for (let i = ix.first; i < ix.end; i++) if (LINE_KIND_NAMES[ix.kinds[i]] === 'other') other.push(ix.text(i));
          assert.deepEqual(other, s.messageLines, `unclassified lines in ${file}`);
        }
      });
    }
  }
});
