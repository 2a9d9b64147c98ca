import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { scanDirectives } from '../source/c-directives';
import type { Macro } from '../source/c-preprocess';

/** Where Debian puts `asm/` for the host: clang -target bpf does not look there by itself, BPF builds add it. */
const MULTIARCH = ['/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu'].filter((d) => existsSync(d));
const TIMEOUT_MS = 10_000;

/**
 * The macros a system header defines (`<linux/if_ether.h>` -> ETH_P_IPV6 = 0x86DD), as clang's preprocessor
 * sees them for `-target bpf` with the unit's `-I` and `-D`: this tool does not parse system headers (their types come
 * from BTF), but a struct's `#ifdef` may test their macros. One clang run per header and flags, cached for the
 * process; null when clang cannot preprocess it (not installed, the header is missing).
 */
export class SystemMacros {
  private readonly cache = new Map<string, Promise<Map<string, Macro> | null>>();
  private baseline?: Promise<Set<string> | null>;

  constructor(readonly clang = 'clang') {}

  of(header: string, includeDirs: string[], defines: [string, string | null][]): Promise<Map<string, Macro> | null> {
    const flags = [...includeDirs.map((d) => `-I${d}`), ...MULTIARCH.map((d) => `-idirafter${d}`),
      ...defines.map(([n, v]) => (v === null ? `-U${n}` : `-D${n}=${v}`))];
    const key = `${header}\0${flags.join('\0')}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.run(`#include <${header}>\n`, flags).then(async (text) => {
        const base = await (this.baseline ??= this.run('', []).then((t) => (t === null ? null : new Set(scanDirectives(t).map((d) => d.name!)))));
        if (text === null || base === null) return null;
        const macros = new Map<string, Macro>();
        for (const d of scanDirectives(text)) {
          if (d.kind === 'define' && d.name && !base.has(d.name)) macros.set(d.name, { value: d.text ?? '', ...(d.params ? { params: d.params } : {}) });
        }
        return macros;
      });
      this.cache.set(key, hit);
    }
    return hit;
  }

  private run(input: string, flags: string[]): Promise<string | null> {
    return new Promise((resolve) => {
      const child = execFile(this.clang, ['-target', 'bpf', '-dM', '-E', '-x', 'c', ...flags, '-'], { timeout: TIMEOUT_MS, maxBuffer: 64 << 20 },
        (err, stdout) => resolve(err ? null : stdout));
      child.stdin?.on('error', () => { /* clang exited early: reported through the callback */ });
      child.stdin?.end(input);
    });
  }
}
