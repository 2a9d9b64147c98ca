import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPLANATION_IDS, explain } from '../../core/verifier-log/explanations';
import { summarizeLog } from '../../core/verifier-log/parse';
import { matrixBlock } from '../support/kernel-matrix';

const STATS = 'processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0';
const NULL_LOG = matrixBlock(1, '6.18-cloud.txt', 'nullcheck_hash');

describe('reject summary: truncation', () => {
  const raw = NULL_LOG.slice(NULL_LOG.indexOf('-- BEGIN PROG LOAD LOG --') + 26, NULL_LOG.indexOf('-- END PROG LOAD LOG --'));

  it('a rotated log that lost its head (starts mid-line) is flagged, and still summarised', () => {
    const cut = raw.slice(raw.indexOf('2: (bf)') + 5); // mid-line
    const s = summarizeLog(cut);
    assert.equal(s.truncated.head, true);
    assert.deepEqual(s.messageLines, ["R0 invalid mem access 'map_value_or_null'"]);
    assert.equal(s.insn, 7);
  });

  it('a log that lost its tail (no stats line, kernels <= 6.3 or BPF_LOG_FIXED) is flagged', () => {
    const s = summarizeLog(raw.slice(0, raw.indexOf('7: (79)')));
    assert.equal(s.truncated.tail, true);
    assert.equal(s.truncated.head, false);
    assert.deepEqual(s.messageLines, []);
  });
});

describe('reject summary: special errors', () => {
  it('combined stack size names no instruction and is flagged as after the main pass', () => {
    const s = summarizeLog(['0: (b7) r0 = 0', '1: (95) exit', 'combined stack size of 2 calls is 640. Too large', STATS].join('\n'));
    assert.equal(s.afterMainPass, true);
    assert.equal(s.insn, null);
    assert.equal(s.explanation?.id, 'stack-too-big');
  });

  it('check_cfg errors (no instruction lines) take the instruction from the message', () => {
    const s = summarizeLog(['back-edge from insn 12 to 5', STATS].join('\n'));
    assert.equal(s.insn, 12);
    assert.equal(s.explanation?.id, 'back-edge');
  });

  it('GO_SYM lines are attached with the instruction offset; tags can be filtered', () => {
    const log = NULL_LOG.replace("R0 invalid mem access 'map_value_or_null'\n", "R0 invalid mem access 'map_value_or_null'\nGO_SYM: main.process+0x28\nRUST_SYM: x::y+0x8\n");
    const s = summarizeLog(log);
    assert.deepEqual(s.symbols.map((x) => [x.tag, x.symbol, x.byteOffset, x.insnOffset]), [['GO', 'main.process', 40, 5], ['RUST', 'x::y', 8, 1]]);
    assert.deepEqual(s.messageLines, ["R0 invalid mem access 'map_value_or_null'"], 'symbol lines are not part of the message');
    assert.deepEqual(summarizeLog(log, { symbolTags: ['GO'] }).symbols.map((x) => x.tag), ['GO']);
  });

  it('7.3 prose block: title, reason, location with column, causal path, suggestion', () => {
    const s = summarizeLog(matrixBlock(1, '7.3-cloud.txt', 'nullcheck_hash'));
    assert.equal(s.prose?.title, 'Register Type Safety: Invalid dereference');
    assert.match(s.prose?.reason ?? '', /R0 may be NULL here/);
    assert.deepEqual(s.proseLocation, { function: 'count_packets', file: 'nullcheck_hash.bpf.c', line: 17, column: 7 });
    assert.deepEqual(s.prose?.causalPath.map((c) => c.line), [16]);
    assert.match(s.prose?.suggestion ?? '', /NULL check/);
  });

  it('the libbpf wrapper gives the errno of a pasted log', () => {
    assert.equal(summarizeLog(matrixBlock(1, '5.10-cloud.txt', 'nullcheck')).errno, 13);
  });
});

describe('explanations', () => {
  const samples: Record<string, string> = {
    'null-deref': "R0 invalid mem access 'map_value_or_null'",
    'scalar-deref': "R1 invalid mem access 'scalar'",
    'packet-bounds': 'invalid access to packet, off=12 size=2, R1(id=0,off=12,r=1)',
    'map-value-bounds': 'invalid access to map value, value_size=8 off=8 size=8',
    'negative-index': 'R2 min value is negative, either use unsigned index or do a if (index >=0) check.',
    'unbounded-access': 'R1 unbounded memory access, make sure to bounds check any such access',
    'too-large': 'BPF program is too large. Processed 1000001 insn',
    'jump-complexity': 'The sequence of 8193 jumps is too complex.',
    'stack-too-big': 'combined stack size of 3 calls is 640. Too large',
    'uninit-stack': 'invalid indirect read from stack R2 off -16+4 size 8',
    'unreleased-ref': 'Unreleased reference id=2 alloc_insn=5',
    'unknown-helper': 'unknown func bpf_new_thing#999',
    'helper-not-allowed': 'program of this type cannot use helper bpf_probe_read#4',
    'read-uninit-reg': 'R0 !read_ok',
    'bad-return': 'At program exit the register R0 has smin=3 smax=3 should have been in [0, 1]',
    'ctx-access': 'invalid bpf_context access off=76 size=4',
    misaligned: 'misaligned packet access off 2+14+0 size 4',
    'gpl-only': 'cannot call GPL-restricted function from non-GPL compatible program',
    'back-edge': 'back-edge from insn 12 to 5',
    'infinite-loop': 'infinite loop detected at insn 7',
    unreachable: 'unreachable insn 9',
    'jump-range': 'jump out of range from insn 3 to 99',
    'arg-type': 'R1 type=scalar expected=map_ptr',
    'leaks-addr': 'R0 leaks addr into map',
    'modified-ptr': 'dereference of modified ctx ptr R1 off=4 disallowed',
    'call-depth': 'the call stack of 9 frames is too deep !',
    'loop-not-bounded': 'loop is not bounded',
    dynptr: 'Expected an initialized dynptr as arg #1',
    lock: 'function calls are not allowed while holding a lock',
    'func-info': "Global function read_first() doesn't return scalar. Only those are supported.",
    'core-relo': '1: <invalid CO-RE relocation>\nfailed to resolve CO-RE relocation <byte_off> [5] struct task_struct___fake.no_such_field (0:0 @ offset 0)',
    'map-not-created': "5: <invalid BPF map reference>\nBPF map 'events' is referenced but wasn't created",
    'kfunc-unresolved': "3: <invalid kfunc call>\nkfunc 'bpf_new_kfunc' is referenced but wasn't resolved",
    'kfunc-arg': 'arg#0 pointer type STRUCT task_struct must point to scalar, or struct with scalar',
    'frame-pointer': 'frame pointer is read only',
    'exception-cb-missing': 'exception callback type id not found in func_info',
  };

  it('covers at least the 30 most frequent messages, each with a sample', () => {
    assert.ok(EXPLANATION_IDS.length >= 30);
    assert.deepEqual(Object.keys(samples).sort(), [...EXPLANATION_IDS].sort());
  });
  for (const [id, message] of Object.entries(samples)) {
    it(`${id}: "${message}"`, () => {
      const e = explain(message);
      assert.equal(e?.id, id);
      assert.equal(e!.explanation.split('\n').length, 2, 'two lines');
      assert.ok(e!.fix.length > 10);
    });
  }
  it('says nothing for a message it does not know', () => assert.equal(explain('some future verifier message'), null));
});
