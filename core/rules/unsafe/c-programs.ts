import type { Node } from 'web-tree-sitter';
import { rangeOf, type Range } from '../../source/range';
import { programTypeOf, type ProgramType } from '../../verifier-log/program-type';
import type { UnsafeRuleContext } from './rule';

/**
 * The BPF programs of a C file and what the syntax rules ask about them: each `SEC("...")` function with its program
 * kind, the calls in its body and in the static functions it reaches, and the file's license. Computed once per
 * context (several rules ask), from the tree and the original text at the tree's offsets.
 */
export interface BpfProgram {
  name: string;
  section: string;
  /** The program type whose helper table applies (helper-table.ts keys), null when no table covers the section. */
  kind: ProgramType | null;
  node: Node;
  /** The section string inside SEC("..."), where section findings point. */
  sectionRange: Range;
}

/** libbpf's program-defining macros: the function's name is their first argument. */
export const PROGRAM_MACROS = new Set(['BPF_PROG', 'BPF_PROG2', 'BPF_KPROBE', 'BPF_KRETPROBE', 'BPF_KSYSCALL', 'BPF_KPROBE_SYSCALL', 'BPF_UPROBE', 'BPF_URETPROBE', 'BPF_USDT']);

export interface CFunction {
  name: string;
  node: Node;
  isStatic: boolean;
  section: string | null;
}

export interface FileIndex {
  functions: Map<string, CFunction>;
  programs: BpfProgram[];
  /** The license string in this file; null when the file declares none; 'unknown' when it is a macro or in a header. */
  license: { value: string; range: Range } | null | 'unknown';
  /** allCalls()' answer, once asked. */
  calls?: { callee: string; node: Node }[];
}

const cache = new WeakMap<UnsafeRuleContext, FileIndex>();

export function fileIndex(ctx: UnsafeRuleContext): FileIndex {
  let index = cache.get(ctx);
  if (!index) {
    index = buildIndex(ctx);
    cache.set(ctx, index);
  }
  return index;
}

/** The function's name: the declarator's identifier, or the first argument of BPF_PROG(...)-style macros. */
export function functionName(fn: Node): string | null {
  let d = fn.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
  const id = d?.childForFieldName('declarator');
  if (!id) return null;
  if (PROGRAM_MACROS.has(id.text)) {
    const first = d?.childForFieldName('parameters')?.namedChildren[0];
    return first ? first.text.trim() : null;
  }
  return id.type === 'identifier' ? id.text : null;
}

const SECTION_TEXT = /\b(?:SEC|__section)\s*\(\s*"([^"\n]*)"\s*\)/g;

function buildIndex(ctx: UnsafeRuleContext): FileIndex {
  const functions = new Map<string, CFunction>();
  const programs: BpfProgram[] = [];
  let prevEnd = 0;
  for (const fn of topLevelFunctions(ctx.root)) {
    const body = fn.childForFieldName('body');
    const name = functionName(fn);
    // SEC("...") sits between the previous definition and this one's body (blanked in the tree's text)
    const head = ctx.source.slice(Math.max(prevEnd, fn.startIndex - 400), body?.startIndex ?? fn.endIndex);
    prevEnd = fn.endIndex;
    if (!name) continue;
    let section: string | null = null;
    let sectionAt = -1;
    SECTION_TEXT.lastIndex = 0;
    for (let m = SECTION_TEXT.exec(head); m; m = SECTION_TEXT.exec(head)) {
      section = m[1];
      sectionAt = (body?.startIndex ?? fn.endIndex) - head.length + m.index + m[0].indexOf('"') + 1;
    }
    // a SEC(...) belonging to a declaration between the two functions (a map) ends with `;` after it
    if (section !== null && /;/.test(ctx.source.slice(sectionAt, fn.startIndex))) section = null;
    const isStatic = fn.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static');
    functions.set(name, { name, node: fn, isStatic, section });
    if (section !== null) {
      programs.push({ name, section, kind: programTypeOf(section), node: fn, sectionRange: rangeAt(ctx.source, sectionAt, sectionAt + section.length) });
    }
  }
  return { functions, programs, license: readLicense(ctx) };
}

/**
 * Function definitions at file level, and inside #if/#ifdef blocks: walked with a cursor over the top-level nodes
 * (a descendants query marshals every node of a 5,000-line file, several milliseconds for nothing).
 */
function topLevelFunctions(root: Node): Node[] {
  const out: Node[] = [];
  const cursor = root.walk();
  const visit = () => {
    if (!cursor.gotoFirstChild()) return;
    do {
      const type = cursor.nodeType;
      if (type === 'function_definition') out.push(cursor.currentNode);
      else if (type.startsWith('preproc_if') || type === 'preproc_else' || type === 'preproc_elif' || type === 'preproc_elifdef') {
        visit();
      }
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  };
  visit();
  cursor.delete();
  return out;
}

export function rangeAt(text: string, from: number, to: number): Range {
  return { start: positionOf(text, from), end: positionOf(text, to) };
}

function positionOf(text: string, offset: number) {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  return { line, character: offset - lineStart };
}

function readLicense(ctx: UnsafeRuleContext): FileIndex['license'] {
  const source = ctx.source;
  const m = /\bSEC\s*\(\s*"license"\s*\)\s*=\s*"([^"\n]*)"/.exec(source);
  if (m) {
    const at = m.index + m[0].lastIndexOf('"', m[0].length - 2) + 1;
    return { value: m[1], range: rangeAt(source, at, at + m[1].length) };
  }
  // a macro (cilium's BPF_LICENSE("Dual BSD/GPL"), __section_license, a #define'd string) or a header's definition:
  // the value is not read, and not guessed either
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  if (/license/i.test(withoutComments) || (ctx.model.headers ?? []).some((h) => /license/i.test(h.source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '')))) {
    return 'unknown';
  }
  return null;
}

/** The kernel's license_is_gpl_compatible() (include/linux/license.h). */
const GPL_COMPATIBLE = new Set(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL']);
export const isGplCompatible = (license: string) => GPL_COMPATIBLE.has(license);

export interface CallSite {
  callee: string;
  node: Node;
  /** The function (program or static function) whose body holds the call. */
  inFunction: string;
}

/**
 * The calls a program makes: in its body and in the static functions it calls, transitively (they run as part of
 * the program, inlined or as subprograms). Global functions are verified on their own and are left out.
 */
export function programCalls(ctx: UnsafeRuleContext, program: BpfProgram): CallSite[] {
  const index = fileIndex(ctx);
  const out: CallSite[] = [];
  const seen = new Set<string>([program.name]);
  const queue: { name: string; node: Node }[] = [{ name: program.name, node: program.node }];
  while (queue.length > 0) {
    const { name, node } = queue.shift()!;
    for (const call of node.descendantsOfType('call_expression')) {
      const fn = call?.childForFieldName('function');
      if (!call || !fn || fn.type !== 'identifier') continue;
      out.push({ callee: helperName(fn.text, call), node: call, inFunction: name });
      const target = index.functions.get(fn.text);
      if (target && target.isStatic && target.section === null && !seen.has(target.name)) {
        seen.add(target.name);
        queue.push({ name: target.name, node: target.node });
      }
    }
  }
  return out;
}

/** libbpf macros that stand for a helper call: bpf_printk is bpf_trace_printk up to 3 arguments, bpf_trace_vprintk beyond. */
function helperName(callee: string, call: Node): string {
  if (callee === 'bpf_printk') return (call.childForFieldName('arguments')?.namedChildren.length ?? 0) > 4 ? 'bpf_trace_vprintk' : 'bpf_trace_printk';
  if (callee === 'BPF_SEQ_PRINTF') return 'bpf_seq_printf';
  if (callee === 'BPF_SNPRINTF') return 'bpf_snprintf';
  return callee;
}

/** Every call in the file's functions (identifier callees), computed once per context. */
export function allCalls(ctx: UnsafeRuleContext): { callee: string; node: Node }[] {
  const index = fileIndex(ctx);
  if (!index.calls) {
    index.calls = [];
    for (const fn of index.functions.values()) {
      for (const call of fn.node.descendantsOfType('call_expression')) {
        const callee = call?.childForFieldName('function');
        if (call && callee?.type === 'identifier') index.calls.push({ callee: callee.text, node: call });
      }
    }
  }
  return index.calls;
}

export const nodeRange = (n: Node): Range => rangeOf(n);
