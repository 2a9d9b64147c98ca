import type { Fix, TextEdit } from '../../fixes/text-edit';
import type { Finding } from '../finding';
import { fileIndex, isGplCompatible, nodeRange, programCalls, type FileIndex } from './c-programs';
import { helpersOf } from './helper-sets';
import type { UnsafeRule, UnsafeRuleContext } from './rule';

/**
 * Rule 8b: a GPL-only helper (gpl_only in its bpf_func_proto) called from a program whose license the kernel does not
 * count as GPL-compatible; and LSM programs, which the kernel refuses outright without one.
 */
export const gplHelper: UnsafeRule = {
  id: 'gpl-helper',
  description: 'A GPL-only helper, or an LSM program, without a GPL-compatible LICENSE.',
  defaultSeverity: 'error',
  check(ctx) {
    const index = fileIndex(ctx);
    if (index.license === 'unknown') return []; // declared through a macro or a header: not read, so not judged
    const license = index.license?.value ?? null;
    if (license !== null && isGplCompatible(license)) return [];
    const out: Finding[] = [];
    const said = license === null ? 'no SEC("license") string (libbpf then loads it with an empty license)' : `license "${license}"`;
    const fixes = () => licenseFix(ctx, index);
    const reported = new Set<number>();
    for (const prog of index.programs) {
      if (prog.kind === 'lsm') {
        out.push({ rule: 'gpl-helper', severity: 'error', range: prog.sectionRange, fixes,
          message: `The verifier answers "LSM programs must have a GPL compatible license": this file has ${said}. ` +
            'Declare a GPL-compatible license: char LICENSE[] SEC("license") = "GPL"; ("Dual BSD/GPL" and "Dual MIT/GPL" count too).' });
        continue;
      }
      const allowed = prog.kind ? helpersOf(prog.kind) : null;
      if (!allowed) continue;
      for (const call of programCalls(ctx, prog)) {
        if (allowed.get(call.callee) !== true || reported.has(call.node.startIndex)) continue;
        reported.add(call.node.startIndex);
        const shown = call.callee === 'bpf_trace_printk' ? 'bpf_trace_printk (bpf_printk)' : call.callee;
        out.push({ rule: 'gpl-helper', severity: 'error', range: nodeRange(call.node.childForFieldName('function')!), fixes,
          message: `The verifier answers "cannot call GPL-restricted function from non-GPL compatible program": ${shown} is GPL-only ` +
            `and this file has ${said}. The kernel counts "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL" and ` +
            `"Dual MPL/GPL" as GPL-compatible: declare one (char LICENSE[] SEC("license") = "Dual BSD/GPL";), or drop the call.` });
      }
    }
    return out;
  },
};

function licenseFix(ctx: UnsafeRuleContext, index: FileIndex): Fix[] {
  let edit: TextEdit;
  if (index.license && index.license !== 'unknown') edit = { range: index.license.range, newText: 'GPL' };
  else {
    const lines = ctx.source.split('\n');
    const last = lines.length - 1;
    const at = { line: last, character: lines[last].length };
    const sep = lines[last] === '' ? '' : '\n';
    edit = { range: { start: at, end: at }, newText: `${sep}char LICENSE[] SEC("license") = "GPL";\n` };
  }
  return [{ title: index.license ? 'Change the license to "GPL"' : 'Add char LICENSE[] SEC("license") = "GPL";', edits: [edit] }];
}
