import type { Node } from 'web-tree-sitter';
import { declaredType } from './types';

/** One function definition of the file, as the verifier sees it: a program, a static subprogram or a global one. */
export interface FlowFunction {
  name: string;
  node: Node;
  body: Node;
  /** `SEC("xdp")` and the like: an entry point, whose first argument is the context. */
  section?: string;
  isStatic: boolean;
  /** `__attribute__((noinline))`/`__noinline`: its own frame (a static function without it is usually inlined). */
  noinline: boolean;
  /** `void` return: early returns carry no value. */
  returnsVoid: boolean;
  returnsPointer: boolean;
  params: { name: string; typeText: string; text: string }[];
  /** `int BPF_PROG(name, struct task_struct *t, ...)`: the arguments are typed (BTF or pt_regs-decoded), none is the context. */
  macroArgs: boolean;
}

/** libbpf's wrappers that declare a program by name with its typed arguments after it. */
const PROGRAM_MACROS = /^BPF_(?:PROG2?|KPROBE|KRETPROBE|KSYSCALL|UPROBE|URETPROBE|USDT)$/;

/** Every function definition at the top level of the file (a definition nested in an ERROR node is skipped). */
export function fileFunctions(root: Node, source: string): Map<string, FlowFunction> {
  const out = new Map<string, FlowFunction>();
  let prevEnd = 0;
  let prevStart = 0;
  for (const node of root.namedChildren) {
    if (node?.type !== 'function_definition') {
      if (node) [prevStart, prevEnd] = [node.startIndex, node.endIndex];
      continue;
    }
    // `static __always_inline T f(...)`: tree-sitter ends a declaration at the unknown macro (a MISSING `;`) and starts
    // the definition after it, so the words before the definition are read from that broken declaration's text too
    const broken = prevEnd > prevStart && !source.slice(prevStart, prevEnd).trimEnd().endsWith(';') && !source.slice(prevStart, prevEnd).trimEnd().endsWith('}');
    const fn = readFunction(node, source, broken ? prevStart : prevEnd);
    [prevStart, prevEnd] = [node.startIndex, node.endIndex];
    if (fn && !out.has(fn.name)) out.set(fn.name, fn);
  }
  return out;
}

function readFunction(node: Node, source: string, prevEnd: number): FlowFunction | undefined {
  const body = node.childForFieldName('body');
  let decl = node.childForFieldName('declarator');
  let pointer = false;
  while (decl && decl.type !== 'function_declarator') {
    if (decl.type === 'pointer_declarator') pointer = true;
    decl = decl.childForFieldName('declarator');
  }
  const name = decl?.childForFieldName('declarator');
  if (!body || !decl || name?.type !== 'identifier') return undefined;
  const head = source.slice(prevEnd, name.startIndex).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ' '); // comments may say "static" too
  // the section macro is masked in the tree: read it from the text before the name
  const section = /\b(?:SEC|__section)\s*\(\s*"([^"]*)"\s*\)/.exec(head)?.[1];
  const params: FlowFunction['params'] = [];
  const list = (decl.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is Node => !!p && p.type !== 'comment');
  const macro = PROGRAM_MACROS.test(name.text) && list[0]?.type === 'parameter_declaration' && !list[0].childForFieldName('declarator');
  const realName = macro ? list[0].text : name.text;
  for (const p of macro ? list.slice(1) : list) {
    if (p?.type !== 'parameter_declaration') continue;
    const type = p.childForFieldName('type');
    const d = p.childForFieldName('declarator');
    const t = type && d ? declaredType(type, d, source) : undefined;
    if (t) params.push({ name: t.name, typeText: t.text, text: p.text });
  }
  const typeText = node.childForFieldName('type')?.text ?? '';
  return {
    name: realName, node, body, section, params, macroArgs: macro,
    isStatic: /\bstatic\b/.test(head) || node.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static'),
    noinline: /\bnoinline\b|__noinline/.test(head),
    returnsVoid: typeText === 'void' && !pointer,
    returnsPointer: pointer,
  };
}

/** The callee's name of a call expression, when it is a plain identifier. */
export function calleeName(call: Node): string | undefined {
  const f = call.childForFieldName('function');
  return f?.type === 'identifier' ? f.text : undefined;
}

/** The arguments of a call expression. */
export function callArgs(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((n): n is Node => !!n && n.type !== 'comment');
}
