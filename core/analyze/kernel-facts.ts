import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Btf } from '../btf/btf-reader';
import { buildCacheDir } from '../build/cache-dir';
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
  // read on the first question (0.7 s to parse a 5 MB BTF, then a cache file): files without attach targets never pay
  const facts = () => (cached ??= loadFacts());
  return {
    release: os.release(),
    // an unreadable BTF counts every name as present: no warning rather than a wrong one
    hasFunction: (name) => facts()?.functions.has(name) ?? true,
    hasRawTracepoint: (name) => facts()?.rawTracepoints.has(name) ?? true,
    hasTracepoint: (group, name) => facts()?.tracepoints?.has(`${group}/${name}`),
    // /proc/kallsyms takes half a second to read: only when a kprobe names a function BTF lacks
    hasSymbol: (name) => (symbols ??= readSymbols())?.has(name),
  };
}

interface Facts { functions: Set<string>; rawTracepoints: Set<string>; tracepoints: Set<string> | null }

function loadFacts(): Facts | null {
  try {
    const names = btfNames();
    return { functions: new Set(names.functions), rawTracepoints: new Set(names.rawTracepoints), tracepoints: readTracepoints() };
  } catch {
    return null; // unreadable or malformed BTF: no facts
  }
}

interface BtfNames { functions: string[]; rawTracepoints: string[] }

/**
 * FUNC names and btf_trace_* typedefs of the kernel's BTF, kept in the build cache per kernel (release, and the BTF
 * file's size and time, which change with each boot of another build): later processes read 1 MB of JSON instead.
 */
function btfNames(): BtfNames {
  const st = statSync(KERNEL_BTF);
  const cacheFile = path.join(buildCacheDir(), 'kernel-facts', `${os.release()}-${st.size}-${Math.floor(st.mtimeMs)}.json`);
  try {
    const hit = JSON.parse(readFileSync(cacheFile, 'utf8')) as BtfNames;
    if (Array.isArray(hit.functions) && Array.isArray(hit.rawTracepoints)) return hit;
  } catch {
    // no cache yet, or a damaged one: read the BTF
  }
  const btf = new Btf(readFileSync(KERNEL_BTF));
  const names: BtfNames = { functions: [], rawTracepoints: [] };
  for (const t of btf.types) {
    if (t.kind === 'FUNC') names.functions.push(t.name);
    else if (t.kind === 'TYPEDEF' && t.name.startsWith('btf_trace_')) names.rawTracepoints.push(t.name.slice('btf_trace_'.length));
  }
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(names));
    renameSync(tmp, cacheFile); // atomic: a concurrent reader never sees half a file
  } catch {
    // a read-only cache directory: the next process parses the BTF again
  }
  return names;
}

let cached: Facts | null | undefined;
let symbols: Set<string> | null | undefined;

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
