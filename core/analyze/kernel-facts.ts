import { existsSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Btf } from '../btf/btf-reader';
import type { KernelFacts } from '../rules/unsafe/rule';

const KERNEL_BTF = '/sys/kernel/btf/vmlinux';
const TRACEFS = ['/sys/kernel/tracing/events', '/sys/kernel/debug/tracing/events'];
const KALLSYMS = '/proc/kallsyms';

/**
 * What the running kernel offers to attach to, read once per process: BTF function names and raw tracepoints
 * (btf_trace_* typedefs) from /sys/kernel/btf/vmlinux, tracepoints from tracefs, symbols from /proc/kallsyms. Null
 * when the kernel has no BTF: the rules that need these facts then stay quiet rather than guess.
 */
export function readKernelFacts(): KernelFacts | null {
  if (!existsSync(KERNEL_BTF)) return null;
  // parsed on the first question (about a second for a 5 MB BTF): files without attach targets never pay for it
  const facts = () => (cached ??= loadFacts());
  return {
    release: os.release(),
    // an unreadable BTF counts every name as present: no warning rather than a wrong one
    hasFunction: (name) => facts()?.functions.has(name) ?? true,
    hasRawTracepoint: (name) => facts()?.rawTracepoints.has(name) ?? true,
    hasTracepoint: (group, name) => facts()?.tracepoints?.has(`${group}/${name}`),
    hasSymbol: (name) => facts()?.symbols?.has(name),
  };
}

interface Facts { functions: Set<string>; rawTracepoints: Set<string>; tracepoints: Set<string> | null; symbols: Set<string> | null }

function loadFacts(): Facts | null {
  try {
    const btf = new Btf(readFileSync(KERNEL_BTF));
    const functions = new Set<string>();
    const rawTracepoints = new Set<string>();
    for (const t of btf.types) {
      if (t.kind === 'FUNC') functions.add(t.name);
      else if (t.kind === 'TYPEDEF' && t.name.startsWith('btf_trace_')) rawTracepoints.add(t.name.slice('btf_trace_'.length));
    }
    return { functions, rawTracepoints, tracepoints: readTracepoints(), symbols: readSymbols() };
  } catch {
    return null; // unreadable or malformed BTF: no facts
  }
}
let cached: Facts | null | undefined;

/** `group/name` of every tracepoint, or null when no tracefs is mounted or readable. */
function readTracepoints(): Set<string> | null {
  for (const dir of TRACEFS) {
    try {
      const out = new Set<string>();
      for (const group of readdirSync(dir, { withFileTypes: true })) {
        if (!group.isDirectory()) continue;
        for (const ev of readdirSync(path.join(dir, group.name), { withFileTypes: true })) if (ev.isDirectory()) out.add(`${group.name}/${ev.name}`);
      }
      if (out.size > 0) return out;
    } catch {
      // not mounted here: try the next place
    }
  }
  return null;
}

/** Text symbols from /proc/kallsyms (names are listed even where kptr_restrict hides addresses), or null when unreadable. */
function readSymbols(): Set<string> | null {
  try {
    const text = readFileSync(KALLSYMS, 'utf8');
    const out = new Set<string>();
    for (const line of text.split('\n')) {
      const parts = line.split(' ');
      if (parts.length >= 3 && (parts[1] === 't' || parts[1] === 'T')) out.add(parts[2].replace(/\t.*$/, ''));
    }
    return out;
  } catch {
    return null;
  }
}
