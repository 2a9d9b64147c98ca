import type { Finding } from '../finding';
import { allCalls, fileIndex, nodeRange, rangeAt } from './c-programs';
import { helpersOf } from './helper-sets';
import type { UnsafeRule } from './rule';

/**
 * Rule 12: what newer kernels and libbpf replace (info only; nothing here is rejected): bpf_get_current_task() where
 * bpf_get_current_task_btf() serves, perf-event-array output where a ring buffer serves, `#pragma unroll` where a
 * bounded loop or bpf_for serves, long BPF_CORE_READ chains that bpf_core_cast() replaces.
 */
export const modernHints: UnsafeRule = {
  id: 'modern-hints',
  description: 'Modernisation hints: bpf_get_current_task_btf, ring buffers, bounded loops, bpf_core_cast.',
  defaultSeverity: 'info',
  check(ctx) {
    const out: Finding[] = [];
    const programs = fileIndex(ctx).programs;
    const taskBtfEverywhere = programs.length > 0 && programs.every((p) => p.kind && helpersOf(p.kind)?.has('bpf_get_current_task_btf'));
    const tracing = programs.some((p) => p.kind && /kprobe|tracepoint|raw_tracepoint|tp_btf|trampoline|lsm|iter/.test(p.kind));
    for (const { callee, node } of allCalls(ctx)) {
      const fn = node.childForFieldName('function')!;
      if (callee === 'bpf_get_current_task' && taskBtfEverywhere) {
        const range = nodeRange(fn); // fixes run after the tree is freed: nothing in them may read a node
        out.push({ rule: 'modern-hints', severity: 'info', range,
          fixes: () => [{ title: 'Use bpf_get_current_task_btf()', preferred: true, edits: [{ range, newText: 'bpf_get_current_task_btf' }] }],
          message: 'bpf_get_current_task() returns the task as a plain number, so every read needs BPF_CORE_READ or bpf_probe_read_kernel. ' +
            'bpf_get_current_task_btf() (kernel 5.11+) returns a BTF pointer to the same struct task_struct, whose fields can be read directly (task->tgid).' });
      }
      if (callee === 'bpf_perf_event_output') {
        out.push({ rule: 'modern-hints', severity: 'info', range: nodeRange(fn),
          message: 'A BPF ring buffer (BPF_MAP_TYPE_RINGBUF with bpf_ringbuf_reserve/submit or bpf_ringbuf_output, kernel 5.8+) replaces the per-CPU perf buffer: ' +
            'one buffer shared by all CPUs keeps events in order, wastes no per-CPU memory, and reserve/submit writes the event in place without a stack copy.' });
      }
      if (/^BPF_CORE_READ(_INTO)?$/.test(callee) && tracing) {
        const args = node.childForFieldName('arguments')?.namedChildren.length ?? 0;
        const hops = callee === 'BPF_CORE_READ' ? args - 1 : args - 2;
        if (hops >= 3) {
          out.push({ rule: 'modern-hints', severity: 'info', range: nodeRange(fn),
            message: `A ${hops}-step ${callee} chain makes one probe read per step. On kernels 6.4+ with libbpf 1.3+, bpf_core_cast(ptr, struct T) gives a BTF pointer ` +
              'whose fields (and the pointers in them) can be read directly, with the same CO-RE relocations: t->a->b->c.' });
        }
      }
    }
    for (const m of ctx.source.matchAll(/^[ \t]*#[ \t]*pragma[ \t]+(?:clang[ \t]+loop[ \t]+unroll|unroll)\b[^\n]*/gm)) {
      const range = rangeAt(ctx.source, m.index + m[0].indexOf('#'), m.index + m[0].length);
      const lineStart = m.index;
      const lineEnd = ctx.source.indexOf('\n', m.index);
      out.push({ rule: 'modern-hints', severity: 'info', range,
        fixes: () => [{ title: 'Remove #pragma unroll (kernel 5.3+ verifies bounded loops)', edits: [{ range: rangeAt(ctx.source, lineStart, lineEnd < 0 ? ctx.source.length : lineEnd + 1), newText: '' }] }],
        message: 'Kernels since 5.3 verify bounded loops without unrolling, and bpf_for (6.4+) or bpf_loop (5.17+) carry loops whose bound the verifier cannot see: ' +
          'unrolling multiplies the instructions the verifier walks and the program size. Keep it only for kernels older than 5.3.' });
    }
    return out;
  },
};
