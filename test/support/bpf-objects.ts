import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

export interface KernelObjects { progs: string[]; maps: string[]; btf: string[]; pins: string[] }

function pinnedFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...pinnedFiles(p));
    else out.push(p);
  }
  return out.sort();
}

/** Programs and maps the kernel holds right now (bpftool's view), to prove a test leaves nothing behind. */
export function kernelObjects(): KernelObjects {
  const show = (what: 'prog' | 'map') =>
    (JSON.parse(execFileSync('bpftool', ['-j', what, 'show'], { encoding: 'utf8' })) as { id: number; name?: string }[])
      .map((o) => `${o.id}:${o.name ?? ''}`);
  const btf = (JSON.parse(execFileSync('bpftool', ['-j', 'btf', 'show'], { encoding: 'utf8' })) as { id: number; name?: string }[])
    .map((o) => `${o.id}:${o.name ?? ''}`);
  return { progs: show('prog'), maps: show('map'), btf, pins: pinnedFiles('/sys/fs/bpf') };
}

/**
 * The kernel's objects once it has caught up: a closed program's maps are released from an RCU callback,
 * so they can outlive the close by a few milliseconds. Polls until the view equals `expected` (or 3 s pass)
 * and returns the last view; a real leak is still there after 3 s.
 */
export async function kernelObjectsSettled(expected: KernelObjects): Promise<KernelObjects> {
  const deadline = Date.now() + 3000;
  let now = kernelObjects();
  while (!isDeepStrictEqual(now, expected) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    now = kernelObjects();
  }
  return now;
}

/** A baseline taken once the kernel is quiet (two views 100 ms apart agree), so objects still being freed are not in it. */
export async function kernelObjectsQuiet(): Promise<KernelObjects> {
  let prev = kernelObjects();
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = kernelObjects();
    if (isDeepStrictEqual(now, prev)) return now;
    prev = now;
  }
  return prev;
}
