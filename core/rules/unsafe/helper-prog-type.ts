import type { Finding } from '../finding';
import { fileIndex, nodeRange, programCalls } from './c-programs';
import { HELPER_IDS, helpersOf, kindsWith, offeredAnywhere, PROBED_KERNEL } from './helper-sets';
import type { UnsafeRule } from './rule';

/**
 * Rule 8a: a helper the program's type cannot call. The kernel asks the program type's get_func_proto() for each
 * helper call and refuses the program when it answers NULL; the table (helper-table.ts) is what the kernel answered.
 */
export const helperProgType: UnsafeRule = {
  id: 'helper-prog-type',
  description: 'A BPF helper that the program type cannot call (the verifier refuses the program).',
  defaultSeverity: 'error',
  check(ctx) {
    const out: Finding[] = [];
    const reported = new Set<number>();
    for (const prog of fileIndex(ctx).programs) {
      const allowed = prog.kind ? helpersOf(prog.kind) : null;
      if (!allowed) continue;
      for (const call of programCalls(ctx, prog)) {
        const id = HELPER_IDS.get(call.callee);
        if (id === undefined || allowed.has(call.callee) || !offeredAnywhere(call.callee) || reported.has(call.node.startIndex)) continue;
        reported.add(call.node.startIndex);
        const where = call.inFunction === prog.name ? '' : ` (in ${call.inFunction}(), which ${prog.name}() calls)`;
        const others = kindsWith(call.callee);
        const fn = call.node.childForFieldName('function')!;
        out.push({
          rule: 'helper-prog-type', severity: 'error', range: nodeRange(fn),
          message: `The verifier answers "program of this type cannot use helper ${call.callee}#${id}" (older kernels: "unknown func ${call.callee}#${id}"): ` +
            `SEC("${prog.section}") programs cannot call ${call.callee}()${where}; the kernel's helper list for this program type (as Linux ${PROBED_KERNEL} answers) lacks it. ` +
            (others.length > 0 ? `It is available to ${others.join(', ')} programs: move the call there, or use this program type's own helper.` : 'Use a helper this program type offers.'),
        });
      }
    }
    return out;
  },
};
