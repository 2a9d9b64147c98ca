/**
 * The causal path of every rejected program of the corpus whose origin is known, verified in the running kernel at
 * levels 1 and 2 and mapped through the object's line_info: each expected step (its role and the source line it
 * must land on, found by its text) appears on the path, in order. Also: the kernel-matrix logs of 5.10 and 6.1,
 * which print no `@ file:line`, through the line_info of their programs' objects; and the hot lines of loops
 * rejected as too large.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { loadObjectSourceMap, programMap } from '../../core/source-map/object-source-map';
import { analyzeLog } from '../../core/verifier-log/parse';
import { buildProgramReport } from '../../core/verify/program-report';
import { MATRIX_KERNELS, matrixBlock } from '../support/kernel-matrix';
import { DIST, EXAMPLES, KERNEL_MATRIX, REPO } from '../support/paths';
import { lineOf } from '../support/programs';

/** A step's role, the source line it must land on (by its text), and optionally what its detail must say. */
type Step = [role: string, line: RegExp, detail?: RegExp];
/** The suggestion a program's reject must get, from the lines of its source (`at(re)` is the line `re` matches). */
type Suggests = (at: (re: RegExp) => number) => RegExp;
const P = path.join(REPO, 'test', 'programs');
const R = path.join(P, 'unsafe', 'reject');
const C = path.join(P, 'causal');
const LOOKUP = /= bpf_map_lookup_elem\(/;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&');

/** Program source, program name, the steps its path must contain (origin first), and the suggestion it gets. */
const CORPUS: [string, string, Step[], Suggests?][] = [
  [path.join(EXAMPLES, 'null_deref.bpf.c'), 'null_deref', [['origin', LOOKUP]]],
  [path.join(EXAMPLES, 'packet_bounds.bpf.c'), 'packet_bounds', [['origin', /= \(void \*\)\(long\)ctx->data;/]]],
  [path.join(EXAMPLES, 'subprog_reject.bpf.c'), 'subprog_reject', [['origin', LOOKUP], ['call', /account\(s,/]]],
  [path.join(P, 'branch_reject.bpf.c'), 'branch_reject', [['origin', LOOKUP], ['branch', /if \(ctx->ingress_ifindex == 1\)/]]],
  [path.join(P, 'global_func.bpf.c'), 'global_func', [['origin', /ctx->data;/]]],
  [path.join(P, 'bad_return.bpf.c'), 'bad_return', [['origin', /BUG: exit with R0 = 3/]]],
  [path.join(P, 'multi_prog.bpf.c'), 'via_static', [['origin', LOOKUP], ['call', /shared_store\(slot/]]],
  [path.join(P, 'multi_prog.bpf.c'), 'from_header', [['origin', /header_bump\(bpf_map_lookup_elem/]]],
  [path.join(P, 'unreleased_ref.bpf.c'), 'unreleased_ref', [['acquire', /bpf_ringbuf_reserve\(/], ['exit', /./]]],
  [path.join(R, 'null-check_ringbuf.bpf.c'), 'ringbuf_unchecked', [['acquire', /bpf_ringbuf_reserve\(/]]],
  [path.join(R, 'null-check_static_callee.bpf.c'), 'static_callee', [['acquire', /= bpf_sk_lookup_tcp\(/], ['call', /sock_mark\(sk\)/]]],
  [path.join(R, 'null-check_task_acquire.bpf.c'), 'task_unchecked', [['acquire', /= bpf_task_acquire\(/]]],
  [path.join(R, 'null-check_wrong_branch.bpf.c'), 'wrong_branch', [['origin', LOOKUP], ['branch', /if \(len > 100\)/]]],
  [path.join(R, 'packet-bounds_ip_header.bpf.c'), 'ip_header', [['origin', /= \(void \*\)\(long\)skb->data;/], ['branch', /\(eth \+ 1\) > data_end/]]],
  [path.join(R, 'packet-bounds_one_byte.bpf.c'), 'one_byte', [['origin', /= \(void \*\)\(long\)ctx->data;/], ['branch', /data \+ 1 > data_end/]]],
  [path.join(R, 'probe-read_tracepoint_current_task.bpf.c'), 'exec_parent', [['origin', /= \(struct task_struct \*\)bpf_get_current_task\(\)/]]],
  [path.join(R, 'reference-leak_ringbuf_early_return.bpf.c'), 'early_return', [['acquire', /bpf_ringbuf_reserve\(/], ['branch', /if \(e->len < 64\)/], ['exit', /./]]],
  [path.join(R, 'reference-leak_sk_lookup.bpf.c'), 'sk_lookup', [['acquire', /= bpf_sk_lookup_tcp\(/], ['exit', /./]]],
  [path.join(R, 'reference-leak_task_acquire.bpf.c'), 'task_acquire', [['acquire', /= bpf_task_acquire\(/], ['exit', /./]]],
  [path.join(R, 'variable-offset_map_value.bpf.c'), 'map_value_index', [['origin', LOOKUP], ['origin', /= ctx->rx_queue_index;/]]],
  [path.join(R, 'variable-offset_stack.bpf.c'), 'stack_index', [['origin', /i = \*idx;/]],
    (at) => new RegExp(esc(`bound \`i\` (set at line ${at(/i = \*idx;/)}) before line ${at(/buf\[i\] =/)}: \`if (i >= LEN) return`))],
  // issue 17's example: the mask's range, not the load before it, and the slots the value has room for
  [path.join(C, 'mask_index.bpf.c'), 'mask_index', [['origin', LOOKUP], ['origin', /= ctx->rx_queue_index & 7;/], ['transform', /s->v\[idx\] \+= 1;/, /^R1 = a scalar in \[0, 7\] after `& 7`; the map value has 4 slots of 8 bytes$/]],
    (at) => new RegExp(`^${esc(`clamp \`idx\` to 3 before line ${at(/s->v\[idx\]/)} (after \`& 7\` at line ${at(/s->v\[idx\]/)} it can be 7; the map value has 4 slots of 8 bytes): \`if (idx > 3) return`)}`)],
  // a value returned by a static subprogram: the caller's line, where it comes back, is on the path and in the fix
  [path.join(C, 'subprog_return.bpf.c'), 'subprog_return', [['origin', /return bpf_map_lookup_elem\(/], ['call', /__u64 \*v = find\(/, /returned by the subprogram called here$/]],
    (at) => new RegExp(`^${esc(`check \`v\` for NULL after line ${at(/__u64 \*v = find\(/)},`)}`)],
  [path.join(C, 'nested_return.bpf.c'), 'nested_return', [['origin', /return bpf_map_lookup_elem\(/], ['call', /__u64 \*p = inner\(/], ['call', /__u64 \*v = outer\(/]],
    (at) => new RegExp(`^${esc(`check \`v\` for NULL after line ${at(/__u64 \*v = outer\(/)},`)}`)],
  // a global function's argument: its parameter and its function, not a field of the line
  [path.join(R, 'null-check_global_arg.bpf.c'), 'global_arg', [['origin', /s->packets \+= 1;/, /^R1 is `s`, argument 1 of account\(\): mem_or_null/]],
    (at) => new RegExp(`^${esc(`\`s\` is argument 1 of account(), a global function the verifier checks on its own, where it may be NULL: check \`s\` for NULL at the start of account() (line ${at(/s->packets \+= 1;/)})`)}`)],
  [path.join(R, 'null-check_helper_arg.bpf.c'), 'helper_arg', [['origin', LOOKUP]],
    (at) => new RegExp(`^${esc(`check \`cur\` for NULL after line ${at(LOOKUP)} and pass it to the helper at line ${at(/bpf_map_update_elem\(&rj_previous/)} only on the non-NULL branch`)}$`)],
  // stack spills and fills, in C (a volatile local) and in inline assembly (one statement a line)
  [path.join(C, 'c_spill.bpf.c'), 'c_spill', [['origin', LOOKUP], ['transform', /__u64 \*v = slot;/, /^R1 = map_value_or_null \(map cp_seen\), filled from the stack at fp-\d+$/]],
    (at) => new RegExp(`^${esc(`check \`slot\` for NULL after line ${at(LOOKUP)} `)}`)],
  [path.join(C, 'asm_spill.bpf.c'), 'asm_spill', [['origin', /call %\[lookup\]/, /from bpf_map_lookup_elem\(&cp_asm\)$/], ['transform', /\/\* spill \*\//, /^R0 spilled to the stack at fp-16$/],
    ['transform', /\/\* fill \*\//, /^R6 = map_value_or_null \(map cp_asm\), filled from the stack at fp-16$/]],
  (at) => new RegExp(`^${esc(`check the pointer for NULL after line ${at(/call %\[lookup\]/)} `)}`)],
];

/** Rejects that name no value to follow (the instruction itself, the program's type, its license, its stack): no path. */
const NO_VALUE: [string, string][] = [
  [path.join(P, 'frame_pointer.bpf.c'), 'frame_pointer'], // asm
  [path.join(R, 'gpl-helper_xdp_printk_no_license.bpf.c'), 'xdp_trace'],
  [path.join(R, 'helper-prog-type_xdp_skb_load_bytes.bpf.c'), 'xdp_load_bytes'],
  [path.join(R, 'stack-size_three_frames.bpf.c'), 'three_frames'],
];

const LOOPS: [string, string][] = [
  [path.join(R, 'unbounded-loop_helper_bound.bpf.c'), 'helper_bound'],
  [path.join(R, 'unbounded-loop_map_bound.bpf.c'), 'map_bound'],
];

describe('causal path of the corpus\'s rejects, verified in the running kernel, through line_info', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  after(() => helper.close());
  const objects = new Map<string, string>();
  const objectOf = async (src: string) => objects.get(src) ?? objects.set(src, (await buildBpfSource(src)).object).get(src)!;

  async function report(src: string, name: string, level: number) {
    const object = await objectOf(src);
    const out = await helper.verify({ path: object, program: name, logLevel: level });
    assert.notEqual(out.errno, 0, `${name} is rejected`);
    const { index, summary } = analyzeLog(out.log);
    const obj = loadObjectSourceMap(object).obj;
    return buildProgramReport(summary, { name, section: null, verdict: 'rejected', errno: out.errno, logBytes: 0, truncated: false, libbpf: [], roots: [path.dirname(src)], map: programMap(obj, name), obj, index });
  }

  for (const [src, name, expected, suggests] of CORPUS) {
    for (const level of [1, 2]) {
      it(`${path.basename(src)} ${name} at level ${level}`, async () => {
        const r = await report(src, name, level);
        const got = r.causalPath.map((s) => `${s.role}@${s.line}`);
        let from = 0;
        for (const [role, re, detail] of expected) {
          const line = re.source === '.' ? null : lineOf(src, re);
          const k = r.causalPath.findIndex((s, i) => i >= from && s.role === role && (line === null || s.line === line));
          assert.ok(k >= 0, `${role} at line ${line ?? 'any'} in ${got.join(', ')}`);
          assert.equal(path.resolve(r.causalPath[k].file!), src, 'the step is in the program\'s file');
          assert.ok(r.causalPath[k].column !== null && r.causalPath[k].detail.length > 0, 'line_info gives a column; the step says what changed');
          if (detail) assert.match(r.causalPath[k].detail, detail);
          from = k + 1;
        }
        assert.ok(r.causalPath.length <= 6, `at most 6 steps: ${got.join(', ')}`);
        for (const [i, s] of r.causalPath.entries()) { // one name a file, one step a line (with or without exact line_info)
          assert.ok(s.file === null || path.isAbsolute(s.file), `an absolute file name: ${s.file}`);
          const prev = r.causalPath[i - 1];
          assert.ok(!prev || s.line === null || prev.line !== s.line || prev.file !== s.file, `one step per line: ${got.join(', ')}`);
        }
        if (suggests) assert.match(r.suggestion ?? '', suggests((re) => lineOf(src, re)));
        else assert.ok(r.suggestion === null || /line \d+/.test(r.suggestion), `the suggestion names a line: ${r.suggestion}`);
      });
    }
  }

  for (const [src, name] of NO_VALUE) {
    it(`${path.basename(src)} ${name}: no causal path is made up`, async () => {
      for (const level of [1, 2]) {
        const r = await report(src, name, level);
        assert.deepEqual(r.causalPath, [], r.message ?? '');
        assert.deepEqual(r.hotLines, []);
      }
    });
  }

  for (const [src, name] of LOOPS) {
    for (const level of [1, 2]) {
      it(`${name} rejected as too large at level ${level}: the loop's lines are on top`, { timeout: 120_000 }, async () => {
        const r = await report(src, name, level);
        assert.match(r.message ?? '', /BPF program is too large/);
        const loop = lineOf(src, /for \(__u32 i = 0; i < n; i\+\+\)/);
        assert.deepEqual(r.hotLines.slice(0, 2).map((h) => h.line).sort(), [loop, loop + 1]);
        assert.ok(r.hotLines[0].insns > 500_000, `most of the million instructions are on the loop: ${JSON.stringify(r.hotLines[0])}`);
        assert.match(r.suggestion ?? '', new RegExp(`line ${r.hotLines[0].line} `));
      });
    }
  }
});

describe('kernel-matrix logs of kernels that print no `@ file:line`, through the programs\' objects', () => {
  for (const kernel of MATRIX_KERNELS) {
    for (const [level, program] of [1, 2].flatMap((l) => ['nullcheck', 'nullcheck_hash'].map((p) => [l as 1 | 2, p] as const))) {
      it(`${program} on ${kernel} at level ${level}`, async (t) => {
        const { index, summary } = analyzeLog(matrixBlock(level, kernel, program));
        if (summary.messageLines.length === 0 && !summary.prose) return t.skip('accepted on this kernel');
        const src = path.join(KERNEL_MATRIX, 'programs', `${program}.bpf.c`);
        const object = (await buildBpfSource(src)).object;
        const obj = loadObjectSourceMap(object).obj;
        const map = programMap(obj, 'count_packets');
        // the log's instructions must be the object's: the reject maps to the line marked BUG
        assert.equal(map?.location(summary.insn!)?.line, lineOf(src, /BUG:/));
        const r = buildProgramReport(summary, { name: 'count_packets', section: null, verdict: 'rejected', errno: 13, logBytes: 0, truncated: false, libbpf: [], roots: [path.dirname(src)], map, obj, index });
        const origin = r.causalPath.find((s) => s.role === 'origin');
        assert.equal(origin?.line, lineOf(src, LOOKUP), JSON.stringify(r.causalPath));
        assert.equal(path.resolve(origin!.file!), src);
      });
    }
  }
});
