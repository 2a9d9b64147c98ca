import type { Node } from 'web-tree-sitter';
import type { Fix, TextEdit } from '../../fixes/text-edit';
import type { Finding } from '../finding';
import { allCalls, fileIndex, nodeRange, type BpfProgram } from './c-programs';
import type { UnsafeRule, UnsafeRuleContext } from './rule';

/** Sections whose pointers are user memory: the user variant is the right replacement there. */
const USER_SECTIONS = /^(uprobe|uretprobe|usdt|ksyscall|kretsyscall|tracepoint\/syscalls|tp\/syscalls)/;
/** Program macros whose arguments are raw register values (scalars to the verifier), not BTF pointers. */
const RAW_ARG_MACROS = new Set(['BPF_KPROBE', 'BPF_KRETPROBE', 'BPF_KSYSCALL', 'BPF_KPROBE_SYSCALL', 'BPF_UPROBE', 'BPF_URETPROBE']);
/** Calls whose argument expressions are not loads (CO-RE relocations, sizes). */
const NOT_A_LOAD = /^(bpf_core_\w+|BPF_CORE_\w+|sizeof|__builtin_\w+|offsetof|bpf_probe_read\w*)$/;

/**
 * Rule 9: bpf_probe_read/bpf_probe_read_str (deprecated: one helper for user and kernel memory, absent on
 * architectures where the two address ranges overlap: an info), and direct dereferences of pointers that are plain numbers to
 * the verifier: the arguments of kprobe-style programs (BPF_KPROBE, raw_tp's BPF_PROG) and bpf_get_current_task().
 * BTF-typed contexts (tp_btf, fentry/fexit, LSM, iterators) are trusted pointers and may be dereferenced.
 */
export const probeRead: UnsafeRule = {
  id: 'probe-read',
  description: 'bpf_probe_read/_str (deprecated), or a kernel pointer dereferenced where the program must read it with BPF_CORE_READ.',
  defaultSeverity: 'error',
  check(ctx) {
    const out: Finding[] = [];
    const index = fileIndex(ctx);
    const user = index.programs.some((p) => USER_SECTIONS.test(p.section));
    const kernelOnly = index.programs.some((p) => !USER_SECTIONS.test(p.section));
    for (const { callee, node } of allCalls(ctx)) {
      if (callee !== 'bpf_probe_read' && callee !== 'bpf_probe_read_str') continue;
      const fn = node.childForFieldName('function')!;
      const kernel = `${callee.replace('bpf_probe_read', 'bpf_probe_read_kernel')}`;
      const userName = `${callee.replace('bpf_probe_read', 'bpf_probe_read_user')}`;
      const preferUser = user && !kernelOnly;
      const range = nodeRange(fn); // fixes run after the tree is freed: nothing in them may read a node
      const fix = (name: string, preferred: boolean): Fix => ({ title: `Use ${name}()`, preferred, edits: [{ range, newText: name }] });
      // an info: x86, arm64, riscv, loongarch and arm offer it; only where user and kernel addresses overlap is it refused
      out.push({ rule: 'probe-read', severity: 'info', range,
        fixes: () => (preferUser ? [fix(userName, true), fix(kernel, false)] : [fix(kernel, true), fix(userName, false)]),
        message: `${callee}() is deprecated (kernel 5.5 split it into ${kernel}() and ${userName}()): it guesses whether the address is user or kernel ` +
          'memory, which only works where the two address ranges do not overlap. Kernels built without CONFIG_ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE ' +
          `(s390, for one; x86, arm64 and riscv have it) refuse it: "program of this type cannot use helper ${callee}#${callee === 'bpf_probe_read' ? 4 : 45}". ` +
          `Use ${kernel}() for kernel memory, ${userName}() for user memory.` });
    }
    for (const prog of index.programs) out.push(...rawPointerDerefs(prog, coreReadInclude(ctx)));
    return out;
  },
};

/** The raw pointers of a program: kprobe-macro arguments and locals set from PT_REGS_PARMn() or bpf_get_current_task(). */
function rawPointers(prog: BpfProgram): Map<string, string> {
  const names = new Map<string, string>(); // name -> where it came from, for the message
  const kprobeLike = /^(kprobe|kretprobe|uprobe|uretprobe|ksyscall|kretsyscall|raw_tp|raw_tracepoint|tracepoint|tp)\b/.test(prog.section);
  if (!kprobeLike) return names;
  let d = prog.node.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  const macro = d?.childForFieldName('declarator')?.text ?? '';
  const rawArgs = RAW_ARG_MACROS.has(macro) || (macro === 'BPF_PROG' && /^(raw_tp|raw_tracepoint)\//.test(prog.section));
  if (rawArgs) {
    for (const param of d?.childForFieldName('parameters')?.namedChildren.slice(1) ?? []) {
      const decl = param?.childForFieldName('declarator');
      if (decl?.type === 'pointer_declarator' && /\bstruct\b/.test(param!.text)) {
        const id = decl.descendantsOfType('identifier')[0];
        if (id) names.set(id.text, `an argument of ${macro}() (a raw register value)`);
      }
    }
  }
  for (const init of prog.node.descendantsOfType('init_declarator')) {
    const value = init?.childForFieldName('value');
    const decl = init?.childForFieldName('declarator');
    if (!value || decl?.type !== 'pointer_declarator') continue;
    const source = /\b(PT_REGS_PARM\d|PT_REGS_RC|bpf_get_current_task)\s*\(/.exec(value.text);
    if (!source || /\bbpf_core_cast\b|\bbpf_get_current_task_btf\b/.test(value.text)) continue;
    const id = decl.descendantsOfType('identifier')[0];
    if (id) names.set(id.text, source[1] === 'bpf_get_current_task' ? 'bpf_get_current_task() (a number, not a BTF pointer)' : `${source[1]}() (a raw register value)`);
  }
  return names;
}

function rawPointerDerefs(prog: BpfProgram, include: TextEdit | null): Finding[] {
  const raw = rawPointers(prog);
  if (raw.size === 0) return [];
  const out: Finding[] = [];
  for (const fe of prog.node.descendantsOfType('field_expression')) {
    if (!fe || fe.child(1)?.text !== '->') continue;
    const base = fe.childForFieldName('argument');
    if (base?.type !== 'identifier' || !raw.has(base.text)) continue;
    if (!isLoad(fe)) continue;
    const chain = outerChain(fe);
    const range = nodeRange(chain.node);
    const read = chain.fields ? `BPF_CORE_READ(${base.text}, ${chain.fields.join(', ')})` : null; // computed now: the tree is gone when fixes run
    out.push({ rule: 'probe-read', severity: 'error', range,
      fixes: read ? () => [{ title: `Read it with ${read}`, preferred: true, edits: [{ range, newText: read }, ...(include ? [include] : [])] }] : undefined,
      message: `The verifier answers "R<n> invalid mem access 'scalar'" (older kernels: 'inv'): in a SEC("${prog.section}") program ${base.text} comes from ` +
        `${raw.get(base.text)}, so ${fe.text} is a load from an unchecked number. Read kernel memory with BPF_CORE_READ(${base.text}, ...) ` +
        `or bpf_probe_read_kernel(); fentry/fexit, tp_btf and LSM programs get BTF-typed arguments that can be dereferenced directly.` });
  }
  return out;
}

/** The `#include <bpf/bpf_core_read.h>` BPF_CORE_READ needs, after the file's last include; null when it is there. */
function coreReadInclude(ctx: UnsafeRuleContext): TextEdit | null {
  const has = (text: string) => /#\s*include\s*[<"]bpf\/bpf_core_read\.h[>"]/.test(text);
  if (has(ctx.source) || (ctx.model.headers ?? []).some((h) => has(h.source))) return null;
  const lines = ctx.source.split('\n');
  let last = -1;
  lines.forEach((l, i) => { if (/^\s*#\s*include\b/.test(l)) last = i; });
  const at = last >= 0 ? { line: last, character: lines[last].length } : { line: 0, character: 0 };
  return { range: { start: at, end: at }, newText: last >= 0 ? '\n#include <bpf/bpf_core_read.h>' : '#include <bpf/bpf_core_read.h>\n' };
}

/** `p->a` read as a value: not under `&`, sizeof, a CO-RE macro, or on the left of an assignment. */
function isLoad(fe: Node): boolean {
  let n: Node | null = fe;
  while (n?.parent && n.parent.type === 'field_expression') n = n.parent;
  for (let p = n?.parent ?? null; p; p = p.parent) {
    if (p.type === 'pointer_expression' && p.child(0)?.text === '&') return false;
    if (p.type === 'sizeof_expression') return false;
    if (p.type === 'call_expression' && NOT_A_LOAD.test(p.childForFieldName('function')?.text ?? '')) return false;
    if (p.type === 'function_definition' || p.type === 'compound_statement' || p.type === 'expression_statement') break;
  }
  return true;
}

/** The whole `p->a->b` chain around a `p->a` and its BPF_CORE_READ field list (null when it mixes in `.`, `[]` or is stored to). */
function outerChain(fe: Node): { node: Node; fields: string[] | null } {
  let node = fe;
  while (node.parent?.type === 'field_expression') node = node.parent;
  const fields: string[] = [];
  let n: Node | null = node;
  for (; n && n.type === 'field_expression' && n.child(1)?.text === '->'; n = n.childForFieldName('argument')) {
    fields.unshift(n.childForFieldName('field')?.text ?? '');
  }
  const lhs = node.parent?.type === 'assignment_expression' && node.parent.childForFieldName('left')?.id === node.id;
  return { node, fields: n?.type === 'identifier' && !lhs && fields.every(Boolean) ? fields : null };
}
